// A function that imports as-base64 beside tarmac-as (tests/coexist.test.mjs): the request
// encoded with as-base64, kept in key:value through the SDK, read back and decoded with as-base64.
import { encode, decode } from "as-base64/assembly";
import { handle, ok, fail, kv, Result } from "tarmac-as/assembly";
export { __guest_call } from "tarmac-as/assembly";

handle((request: Uint8Array): Result<Uint8Array> => {
  const err = kv.setString("encoded", encode(request));
  if (err) return fail(err.toString());
  const back = kv.getString("encoded");
  if (back.isErr) return fail(back.error!.toString());
  const bytes = decode(back.value);
  return ok(back.value + " " + (bytes.length == request.length && memory.compare(bytes.dataStart, request.dataStart, bytes.length) == 0 ? "same" : "different"));
});
