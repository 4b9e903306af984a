// Benchmark guest: sdk.ts with response retention at its minimum (only the newest response
// kept, which Tarmac may still be sending), to show what the default retention keeps.
import { retainResponses } from "tarmac-as/assembly";
export { __guest_call } from "./sdk";

retainResponses(1, 0, 0);
