// Tarmac's kvstore callbacks (pkg/callbacks/kvstore, the same in v0.10.0 and main), answering
// with the real host's JSON, status codes and messages, on a store that behaves like its
// in-memory backend (hord's hashmap driver). Like Tarmac, get/set/delete try protobuf first,
// with the profile's decoder, and fall back to JSON.

import { goUnmarshal, goBase64Decode, goBytes } from "./go-json.mjs";
import { profile as tarmacProfile } from "./profiles.mjs";
import { lastField, lastText } from "./protowire.mjs";
import { status, OK, jsonAnswer as json, protoAnswer as proto, protobufFirst } from "./answer.mjs";

/**
 * hord's hashmap driver: keys and data must be non-empty; keys() of an empty store is null.
 * `{ emptyKeys: [] }` answers like the Redis backend instead (an empty list).
 */
export class MemoryStore {
  constructor({ emptyKeys = null } = {}) {
    this.map = new Map();
    this.emptyKeys = emptyKeys;
    /** When set (e.g. "dial tcp 127.0.0.1:6379: connect: connection refused"), every operation fails as hord's Redis driver does when it cannot reach Redis. */
    this.down = null;
  }
  get(key) {
    if (this.down) throw new Error(`unable to fetch data from Redis - ${this.down}`);
    if (key === "") throw new Error("key cannot be nil");
    if (!this.map.has(key)) throw new Error("nil value returned from database");
    return this.map.get(key);
  }
  set(key, value) {
    if (this.down) throw new Error(`unable to write data to Redis - ${this.down}`);
    if (key === "") throw new Error("key cannot be nil");
    if (value.length === 0) throw new Error("data cannot be empty");
    this.map.set(key, Buffer.from(value));
  }
  delete(key) {
    if (this.down) throw new Error(`unable to remove key from Redis - ${this.down}`);
    if (key === "") throw new Error("key cannot be nil");
    this.map.delete(key);
  }
  keys() { return this.map.size ? [...this.map.keys()] : this.emptyKeys; }
}

/** Go's base64 CorruptInputError offset, approximately: the first byte that cannot be there. */
function badBase64Offset(s) {
  const i = s.search(/[^A-Za-z0-9+/=\r\n]/);
  if (i >= 0) return i;
  const eq = s.indexOf("=");
  return eq >= 0 ? eq : s.length - (s.length % 4);
}

/**
 * A quick way through the common shape of a set request, `{...,"data":"<base64>"}` with `data`
 * last: the head is parsed as JSON on its own and the value is decoded straight from the
 * payload, so a large value skips JSON.parse. Null (use the general path) unless the result is
 * exactly what json.Unmarshal and DecodeString give: the last `data` field wins in Go too, and
 * a value that decodes as base64 holds no quote, backslash or control character.
 */
export function plainSetRequest(payload) {
  const marker = Buffer.from(',"data":"');
  const n = payload.length;
  if (n < 1024 || payload[n - 1] !== 0x7d || payload[n - 2] !== 0x22) return null;
  const at = payload.lastIndexOf(marker);
  if (at <= 1) return null;
  const head = goUnmarshal(Buffer.concat([payload.subarray(0, at), Buffer.from("}")]), { key: "", data: "" });
  if (!head || payload[at - 1] === 0x2c || payload[at - 1] === 0x7b) return null;
  const text = payload.toString("latin1", at + marker.length, n - 2);
  const bytes = goBase64Decode(text);
  if (bytes === null || text.includes("\r") || text.includes("\n")) return null;
  return { key: head.key, data: text, bytes };
}

/** The kvstore capability's operations for a TarmacHost, on `store`, decoding as `profile` does. */
export function kvstoreCallbacks(store, profile = tarmacProfile()) {
  const parseError = status(400, "Error Parsing Input");
  // Over protobuf Tarmac checks the key itself: an empty one is a 400.
  const nilKey = status(400, "key cannot be nil");
  return {
    get: protobufFirst(profile, "kvstore:get", (pb) => {
      const key = lastText(pb, 1);
      if (key === "") return proto(nilKey);
      // Tarmac formats hord's error where the JSON path has the key: "Unable to fetch key %s", err.
      try { return proto(OK, { 2: store.get(key) }); } catch (e) { return proto(status(404, `Unable to fetch key ${e.message}`)); }
    }, (payload) => {
      const req = goUnmarshal(payload, { key: "" });
      if (!req) return json({ status: parseError, data: "" });
      try {
        return json({ status: OK, data: goBytes(store.get(req.key)) });
      } catch (e) {
        return json({ status: status(404, `Unable to fetch key ${req.key} - ${e.message}`), data: "" });
      }
    }),
    set: protobufFirst(profile, "kvstore:set", (pb) => {
      const key = lastText(pb, 1);
      const data = lastField(pb, 2) ?? Buffer.alloc(0);
      if (data.length === 0) return proto(status(400, "Data cannot be nil"));
      if (key === "") return proto(nilKey);
      try { store.set(key, data); return proto(OK); } catch (e) { return proto(status(500, `Unable to store data - ${e.message}`)); }
    }, (payload) => {
      const fast = plainSetRequest(payload);
      const req = fast ?? goUnmarshal(payload, { key: "", data: "" });
      if (!req) return json({ status: parseError });
      const data = fast ? fast.bytes : goBase64Decode(req.data);
      if (data === null) return json({ status: status(400, `Unable to decode data - illegal base64 data at input byte ${badBase64Offset(req.data)}`) });
      try {
        store.set(req.key, data);
      } catch (e) {
        return json({ status: status(500, `Unable to store data using key ${req.key} - ${e.message}`) });
      }
      return json({ status: OK });
    }),
    delete: protobufFirst(profile, "kvstore:delete", (pb) => {
      const key = lastText(pb, 1);
      if (key === "") return proto(nilKey);
      try { store.delete(key); return proto(OK); } catch (e) { return proto(status(404, `Unable to delete key ${e.message}`)); }
    }, (payload) => {
      const req = goUnmarshal(payload, { key: "" });
      if (!req) return json({ status: parseError });
      try {
        store.delete(req.key);
      } catch (e) {
        return json({ status: status(404, `Unable to delete key ${req.key} - ${e.message}`) });
      }
      return json({ status: OK });
    }),
    // Keys has no request message: any non-empty payload selects protobuf (KVStoreKeysResponse,
    // keys as field 2, one string each; none for an empty store).
    keys(payload) {
      if (payload.length !== 0) {
        try { return proto(OK, { 2: store.keys() ?? [] }); } catch (e) { return proto(status(500, `Unable to fetch keys - ${e.message}`)); }
      }
      try { return json({ keys: store.keys(), status: OK }); } catch (e) { return json({ keys: null, status: status(500, `Unable to fetch keys - ${e.message}`) }); }
    },
  };
}
