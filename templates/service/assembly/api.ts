// The HTTP function: greets the name in the body with the greeting `setup` stored at start,
// formatted by the `format` function, and says how many times `tick` has run.
import { handle, ok, fail, kv, callFunction, text, bytes, Result } from "tarmac-as/assembly";
export { __guest_call } from "tarmac-as/assembly";

handle((request: Uint8Array): Result<Uint8Array> => {
  const greeting = kv.getString("greeting");
  if (greeting.isErr) return fail("no greeting: " + greeting.error!.toString());
  const name = request.length > 0 ? text(request) : "world";
  const formatted = callFunction("format", bytes(greeting.value + ", " + name));
  if (formatted.isErr) return fail("format failed: " + formatted.error!.toString());
  const ticks = kv.getString("ticks").unwrapOr("0");
  return ok(text(formatted.value) + " (ticks: " + ticks + ")");
});
