// cached-fetch: a realistic function using four capabilities. It fetches the URL in the
// request, caches the body in the key:value store, counts hits and misses as metrics and logs
// what happened. A broken cache is logged and bypassed; a failed fetch is an error.
import { handle, ok, fail, kv, http, log, metrics, text, ErrorKind, Result } from "tarmac-as/assembly";
export { __guest_call } from "tarmac-as/assembly";

handle((request: Uint8Array): Result<Uint8Array> => {
  const url = text(request);
  const key = "cache:" + url;

  const cached = kv.get(key);
  if (cached.isOk) {
    metrics.counter("cache_hits");
    log.info("cache hit for " + url);
    return ok("hit: " + text(cached.value));
  }
  if (!cached.is(ErrorKind.NotFound)) log.warn("cache unavailable, fetching anyway: " + cached.error!.toString());

  const r = http.get(url);
  if (r.isErr) return fail("fetch failed: " + r.error!.toString());
  const resp = r.value;
  if (resp.status != 200) return fail("upstream answered " + resp.status.toString());

  metrics.counter("cache_misses");
  if (resp.body.length > 0) {
    const err = kv.set(key, resp.body);
    if (err) log.warn("could not cache " + url + ": " + err.toString());
  }
  log.info("fetched " + url + " (" + resp.body.length.toString() + " bytes)");
  return ok("miss: " + resp.text());
});
