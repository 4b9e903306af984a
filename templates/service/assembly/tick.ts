// Runs on a schedule (a `scheduled_task` route): counts its runs in the key:value store.
import { handle, ok, fail, kv, ErrorKind, Result } from "tarmac-as/assembly";
export { __guest_call } from "tarmac-as/assembly";

handle((request: Uint8Array): Result<Uint8Array> => {
  const current = kv.getString("ticks");
  if (current.isErr && current.error!.kind != ErrorKind.NotFound) return fail(current.error!.toString());
  const next = (current.isOk ? U64.parseInt(current.value) : 0) + 1;
  const err = kv.setString("ticks", next.toString());
  return err ? fail(err.toString()) : ok("");
});
