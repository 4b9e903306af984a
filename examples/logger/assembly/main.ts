// logger: writes each request to Tarmac's log and says so. console.log works too: the preset
// routes it to Tarmac's logger.
import { handle, ok, log, text, Result } from "tarmac-as/assembly";
export { __guest_call } from "tarmac-as/assembly";

handle((request: Uint8Array): Result<Uint8Array> => {
  log.info("received " + request.length.toString() + " bytes: " + text(request));
  console.log("console.log goes to the same log");
  return ok("logged " + request.length.toString() + " bytes");
});
