// Tarmac v0.10.0's httpclient `call` callback (pkg/callbacks/httpclient) over JSON, making real
// requests through the SyncBridge. Status 200 means the request was made; `code` is upstream's.
import { CallbackError } from "./tarmac-host.mjs";
import { goJSON, goUnmarshal, goBase64Decode } from "./go-json.mjs";

export const DEFAULT_MAX_BODY = 10 * 1024 * 1024;

export function httpclientCallbacks(bridge, { maxBody = DEFAULT_MAX_BODY } = {}) {
  const reply = (status, code = 0, headers = null, body = "") => {
    const bytes = goJSON({ status, code, headers, body });
    if (status.code !== 200) throw new CallbackError(status.status, bytes);
    return bytes;
  };
  return {
    call(payload) {
      const req = goUnmarshal(payload, { method: "", headers: {}, url: "", body: "", insecure: false });
      if (!req) return reply({ code: 400, status: "Error Parsing Input" });
      const body = goBase64Decode(req.body);
      if (body === null) return reply({ code: 400, status: "Unable to decode data - illegal base64 data at input byte 0" });
      const method = req.method === "" ? "GET" : req.method;
      if (!/^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/.test(method)) return reply({ code: 400, status: `Unable to create HTTP request - net/http: invalid method ${JSON.stringify(method)}` });
      const r = bridge.call("http", { method, url: req.url, headers: req.headers ?? {}, body, insecure: req.insecure, maxBody });
      if (r.error) {
        if (r.stage === "create") return reply({ code: 400, status: `Unable to create HTTP request - ${r.error}` });
        return reply({ code: 500, status: `Unable to execute HTTP request - ${r.error}` });
      }
      return reply({ code: 200, status: "OK" }, r.code, sortKeys(r.headers), r.body);
    },
  };
}

// encoding/json writes map keys sorted.
const sortKeys = (o) => Object.fromEntries(Object.entries(o).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
