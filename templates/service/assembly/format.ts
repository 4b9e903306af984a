// Reached by other functions through its `function` route: adds an exclamation mark.
import { handle, ok, text, Result } from "tarmac-as/assembly";
export { __guest_call } from "tarmac-as/assembly";

handle((request: Uint8Array): Result<Uint8Array> => ok(text(request) + "!"));
