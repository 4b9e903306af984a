// metrics: counts requests and records their sizes; Tarmac shows both on /metrics.
import { handle, ok, fail, metrics, Result } from "tarmac-as/assembly";
export { __guest_call } from "tarmac-as/assembly";

handle((request: Uint8Array): Result<Uint8Array> => {
  let err = metrics.counter("example_requests");
  if (err) return fail(err.toString());
  err = metrics.histogram("example_request_bytes", <f64>request.length);
  if (err) return fail(err.toString());
  return ok("counted");
});
