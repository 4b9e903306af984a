// kv-counter: counts its requests in Tarmac's key:value store and answers with the count.
// The first request finds no counter (NotFound) and starts from zero; a broken store is an
// error the caller sees as HTTP 500, never a silent reset. The count is exact only for one
// request at a time: Tarmac has no atomic increment, so requests running at once (pooled
// instances, several Tarmacs) can read the same count and lose increments (over half of them
// from 8 clients, `npm run counter-race`); examples/sql-counter counts exactly, in SQL.
import { handle, ok, fail, kv, ErrorKind, Result } from "tarmac-as/assembly";
export { __guest_call } from "tarmac-as/assembly";

const KEY = "kv-counter:requests";

handle((request: Uint8Array): Result<Uint8Array> => {
  let count: u64 = 0;
  const current = kv.getString(KEY);
  if (current.isOk) {
    count = U64.parseInt(current.value);
  } else if (current.error!.kind != ErrorKind.NotFound) {
    return fail("could not read the counter: " + current.error!.toString());
  }
  count++;
  const err = kv.setString(KEY, count.toString());
  if (err) return fail("could not save the counter: " + err.toString());
  return ok(count.toString());
});
