// function-call: passes its request to the function "hello" of the same service and wraps the
// answer. Tarmac needs a route {"type":"function","function":"hello"} for it.
import { handle, ok, fail, callFunction, text, Result } from "tarmac-as/assembly";
export { __guest_call } from "tarmac-as/assembly";

handle((request: Uint8Array): Result<Uint8Array> => {
  const r = callFunction("hello", request);
  if (r.isErr) return fail("hello failed: " + r.error!.toString());
  return ok("hello said: " + text(r.value));
});
