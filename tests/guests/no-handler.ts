// Test guest: exports the ABI but never registers a handler.
export { __guest_call } from "tarmac-as/assembly";
