// Runs once as Tarmac starts (an `init` route): stores the greeting the API uses.
import { handle, ok, fail, kv, Result } from "tarmac-as/assembly";
export { __guest_call } from "tarmac-as/assembly";

handle((request: Uint8Array): Result<Uint8Array> => {
  const err = kv.setString("greeting", "Hello");
  return err ? fail(err.toString()) : ok("");
});
