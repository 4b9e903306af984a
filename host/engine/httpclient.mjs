// Tarmac's httpclient `call` callback (pkg/callbacks/httpclient), protobuf first, then JSON, making real
// requests through the SyncBridge. Status 200 means the request was made; `code` is upstream's.
import { goUnmarshal, goBase64Decode, goBytes } from "./go-json.mjs";
import { profile as tarmacProfile } from "./profiles.mjs";
import { status, OK, jsonAnswer, protoAnswer } from "./answer.mjs";

export const DEFAULT_MAX_BODY = 10 * 1024 * 1024;

/** The httpclient capability: protobuf first with `profile`'s decoder, then JSON. */
export function httpclientCallbacks(bridge, { maxBody = DEFAULT_MAX_BODY, profile = tarmacProfile() } = {}) {
  // A request that decoded as protobuf is answered in protobuf: the status, the upstream's code
  // and body (response headers are left out of this model).
  const protoCall = (pb) => {
    const text = (n) => pb[n]?.at(-1)?.toString() ?? "";
    const method = text(1) || "GET";
    const url = text(3);
    const answer = (code, text, fields) => protoAnswer(status(code, text), fields);
    const scheme = /^([a-zA-Z][a-zA-Z0-9+.-]*):/.exec(url)?.[1] ?? "";
    if (!/^https?$/i.test(scheme)) {
      // Go's client: `Get "": unsupported protocol scheme ""`.
      const op = method[0].toUpperCase() + method.slice(1).toLowerCase();
      return answer(500, `Unable to execute HTTP request - ${op} ${JSON.stringify(url)}: unsupported protocol scheme ${JSON.stringify(scheme.toLowerCase())}`);
    }
    const r = bridge.call("http", { method, url, headers: {}, body: pb[4]?.at(-1) ?? Buffer.alloc(0), insecure: (pb[5]?.at(-1) ?? 0n) !== 0n, maxBody });
    if (r.error) return answer(r.stage === "create" ? 400 : 500, `Unable to ${r.stage === "create" ? "create" : "execute"} HTTP request - ${r.error}`);
    return answer(200, "OK", { 2: r.code, 4: bytes(r.body) });
  };
  const reply = (st, code = 0, headers = null, body = "") => jsonAnswer({ status: st, code, headers, body });
  return {
    call(payload) {
      const pb = profile.decode(payload, "httpclient:call");
      if (pb) return protoCall(pb);
      const req = goUnmarshal(payload, { method: "", headers: {}, url: "", body: "", insecure: false });
      if (!req) return reply(status(400, "Error Parsing Input"));
      const body = goBase64Decode(req.body);
      if (body === null) return reply(status(400, "Unable to decode data - illegal base64 data at input byte 0"));
      const method = req.method === "" ? "GET" : req.method;
      if (!/^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/.test(method)) return reply(status(400, `Unable to create HTTP request - net/http: invalid method ${JSON.stringify(method)}`));
      const r = bridge.call("http", { method, url: req.url, headers: req.headers ?? {}, body, insecure: req.insecure, maxBody });
      if (r.error) {
        if (r.stage === "create") return reply(status(400, `Unable to create HTTP request - ${r.error}`));
        return reply(status(500, `Unable to execute HTTP request - ${r.error}`));
      }
      return reply(OK, r.code, sortKeys(r.headers), goBytes(bytes(r.body)));
    },
  };
}

// The upstream's body as a Buffer (from the I/O worker it arrives as a Uint8Array), not copied.
const bytes = (b) => (Buffer.isBuffer(b) ? b : Buffer.from(b.buffer, b.byteOffset, b.byteLength));

// encoding/json writes map keys sorted.
const sortKeys = (o) => Object.fromEntries(Object.entries(o).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
