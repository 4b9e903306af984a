// Counts its requests in Tarmac's key:value store and answers with the count. A missing
// counter starts from zero; a broken store is an error (HTTP 500), never a silent reset.
import { handle, ok, fail, kv, ErrorKind, Result } from "tarmac-as/assembly";
export { __guest_call } from "tarmac-as/assembly";

const KEY = "requests";

handle((request: Uint8Array): Result<Uint8Array> => {
  let count: u64 = 0;
  const current = kv.getString(KEY);
  if (current.isOk) count = U64.parseInt(current.value);
  else if (current.error!.kind != ErrorKind.NotFound) return fail("could not read the counter: " + current.error!.toString());
  count++;
  const err = kv.setString(KEY, count.toString());
  if (err) return fail("could not save the counter: " + err.toString());
  return ok(count.toString());
});
