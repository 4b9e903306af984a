// http-fetch: fetches the URL in the request body and answers with the upstream's status and
// body. An upstream 404 is an answer; an unreachable host is an error (HTTP 500 from Tarmac).
import { handle, ok, fail, http, text, Result } from "tarmac-as/assembly";
export { __guest_call } from "tarmac-as/assembly";

handle((request: Uint8Array): Result<Uint8Array> => {
  const r = http.get(text(request));
  if (r.isErr) return fail("fetch failed: " + r.error!.toString());
  const resp = r.value;
  return ok(resp.status.toString() + " " + resp.text());
});
