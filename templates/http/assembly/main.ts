// Fetches the URL in the request body and answers with the upstream's status and body. An
// upstream 404 is an answer; an unreachable upstream is an error (HTTP 500).
import { handle, ok, fail, http, text, Result } from "tarmac-as/assembly";
export { __guest_call } from "tarmac-as/assembly";

handle((request: Uint8Array): Result<Uint8Array> => {
  const r = http.get(text(request));
  if (r.isErr) return fail("fetch failed: " + r.error!.toString());
  return ok(r.value.status.toString() + " " + r.value.text());
});
