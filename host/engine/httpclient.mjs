// Tarmac's httpclient `call` callback (pkg/callbacks/httpclient), protobuf first, then JSON, making real
// requests through the SyncBridge. Status 200 means the request was made; `code` is upstream's.
import { goUnmarshal, goBase64Decode, goBytes } from "./go-json.mjs";
import { profile as tarmacProfile } from "./profiles.mjs";
import { lastField, lastText } from "./protowire.mjs";
import { status, OK, jsonAnswer, protoAnswer, protobufFirst } from "./answer.mjs";

export const DEFAULT_MAX_BODY = 10 * 1024 * 1024;

/** The httpclient capability: protobuf first with `profile`'s decoder, then JSON. */
export function httpclientCallbacks(bridge, { maxBody = DEFAULT_MAX_BODY, profile = tarmacProfile() } = {}) {
  // Why the request was not made: 400 when it could not be created, 500 when it failed.
  const failed = (r) => (r.stage === "create" ? status(400, `Unable to create HTTP request - ${r.error}`) : status(500, `Unable to execute HTTP request - ${r.error}`));
  // A request that decoded as protobuf is answered in protobuf: the status, the upstream's code,
  // its headers (field 3, names lower-cased) and body. The profile decides both header maps:
  // v0.10.0 map<string,string> (Header.Set each; the first value of each response header),
  // main map<string,Header{values}> (Header.Add every value, a nil Header skipped; all values).
  const fromProto = (pb) => {
    const method = lastText(pb, 1) || "GET";
    const url = lastText(pb, 3);
    if (!TOKEN.test(method)) return protoAnswer(status(400, `Unable to create HTTP request - net/http: invalid method ${JSON.stringify(method)}`));
    const scheme = /^([a-zA-Z][a-zA-Z0-9+.-]*):/.exec(url)?.[1] ?? "";
    if (!/^https?$/i.test(scheme)) {
      // Go's client: `Get "": unsupported protocol scheme ""`.
      const op = method[0].toUpperCase() + method.slice(1).toLowerCase();
      return protoAnswer(status(500, `Unable to execute HTTP request - ${op} ${JSON.stringify(url)}: unsupported protocol scheme ${JSON.stringify(scheme.toLowerCase())}`));
    }
    const headers = requestHeaders(pb[2] ?? [], profile.headerValues);
    const r = bridge.call("http", { method, url, headers, body: lastField(pb, 4) ?? Buffer.alloc(0), insecure: (lastField(pb, 5) ?? 0n) !== 0n, maxBody });
    if (r.error) return protoAnswer(failed(r));
    const all = r.all ?? Object.fromEntries(Object.entries(r.headers ?? {}).map(([k, v]) => [k, [v]]));
    const entries = Object.keys(all).sort().map((k) => ({ 1: k, 2: profile.headerValues ? { 1: all[k] } : all[k][0] ?? "" }));
    const body = bytes(r.body);
    return protoAnswer(OK, { 2: r.code || undefined, 3: entries, 4: body.length ? body : undefined });
  };
  const reply = (st, code = 0, headers = null, body = "") => jsonAnswer({ status: st, code, headers, body });
  const fromJSON = (payload) => {
    const req = goUnmarshal(payload, { method: "", headers: {}, url: "", body: "", insecure: false });
    if (!req) return reply(status(400, "Error Parsing Input"));
    const body = goBase64Decode(req.body);
    if (body === null) return reply(status(400, "Unable to decode data - illegal base64 data at input byte 0"));
    const method = req.method === "" ? "GET" : req.method;
    if (!TOKEN.test(method)) return reply(status(400, `Unable to create HTTP request - net/http: invalid method ${JSON.stringify(method)}`));
    const r = bridge.call("http", { method, url: req.url, headers: req.headers ?? {}, body, insecure: req.insecure, maxBody });
    if (r.error) return reply(failed(r));
    return reply(OK, r.code, sortKeys(r.headers), goBytes(bytes(r.body)));
  };
  return { call: protobufFirst(profile, "httpclient:call", fromProto, fromJSON) };
}

// An HTTP token (net/http's validMethod).
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/**
 * The request headers Go builds from the decoded map entries: a later entry with the same key
 * replaces an earlier one (a Go map), names are canonicalised as http.Header does, and each
 * value is Set (v0.10.0) or every value Added (main). For the I/O worker: name -> value, or a
 * list of values (one header line each).
 */
function requestHeaders(entries, multi) {
  const map = new Map();
  for (const e of entries) map.set(e.key.toString(), e.value);
  const out = {};
  for (const [name, value] of map) {
    const k = canonicalKey(name);
    if (!multi) out[k] = [value.toString()];
    else if (value !== null) (out[k] ??= []).push(...value.map(String));
  }
  // One value as a string, several as a list (sent as one header line each).
  for (const k of Object.keys(out)) {
    if (out[k].length === 0) delete out[k];
    else if (out[k].length === 1) out[k] = out[k][0];
  }
  return out;
}

// textproto.CanonicalMIMEHeaderKey: unchanged when it holds a byte outside a token (or a space).
function canonicalKey(k) {
  if (!TOKEN.test(k)) return k;
  return k.toLowerCase().replace(/(^|-)([a-z])/g, (_, d, c) => d + c.toUpperCase());
}

// The upstream's body as a Buffer (from the I/O worker it arrives as a Uint8Array), not copied.
const bytes = (b) => (Buffer.isBuffer(b) ? b : Buffer.from(b.buffer, b.byteOffset, b.byteLength));

// encoding/json writes map keys sorted.
const sortKeys = (o) => Object.fromEntries(Object.entries(o).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
