// Tarmac's kvstore callbacks over JSON, answering with the real host's JSON, status codes and
// messages, on an in-memory store that behaves like Tarmac's in-memory backend.

import { goMarshal, goUnmarshal, goBase64Decode, goBase64Encode } from "./go-json.mjs";
import { CallbackError } from "./tarmac-host.mjs";

/** Tarmac's in-memory backend: a map; keys() of an empty store is null. */
export class MemoryStore {
  constructor() { this.map = new Map(); }
  get(key) { return this.map.has(key) ? this.map.get(key) : null; }
  set(key, value) { this.map.set(key, Buffer.from(value)); }
  delete(key) { this.map.delete(key); }
  keys() { return this.map.size ? [...this.map.keys()] : null; }
}

const status = (code, text) => ({ code, status: text });
const OK = () => status(200, "OK");

// The status the host returns; a status other than 200 also fails the host call (body kept).
function reply(obj) {
  const body = Buffer.from(goMarshal(obj));
  if (obj.status.code !== 200) throw new CallbackError(obj.status.status, body);
  return body;
}

/** The kvstore capability's operations for a TarmacHost, on `store`. */
export function kvstoreCallbacks(store) {
  return {
    get(payload) {
      const req = goUnmarshal(payload, { key: "" });
      if (!req) return reply({ status: status(400, "Error Parsing Input"), data: "" });
      const v = store.get(req.key);
      if (v === null) {
        return reply({ status: status(404, `Unable to fetch key ${req.key} - nil value returned from database`), data: "" });
      }
      return reply({ status: OK(), data: goBase64Encode(v) });
    },
    set(payload) {
      const req = goUnmarshal(payload, { key: "", data: "" });
      if (!req) return reply({ status: status(400, "Error Parsing Input") });
      const data = goBase64Decode(req.data);
      if (data === null) return reply({ status: status(400, "Unable to decode data - illegal base64 data") });
      if (data.length === 0) return reply({ status: status(500, `Unable to store data for key ${req.key} - data cannot be empty`) });
      if (req.key === "") return reply({ status: status(500, `Unable to store data for key  - key cannot be empty`) });
      store.set(req.key, data);
      return reply({ status: OK() });
    },
    delete(payload) {
      const req = goUnmarshal(payload, { key: "" });
      if (!req) return reply({ status: status(400, "Error Parsing Input") });
      store.delete(req.key);
      return reply({ status: OK() });
    },
    keys(payload) {
      return reply({ keys: store.keys(), status: OK() });
    },
  };
}
