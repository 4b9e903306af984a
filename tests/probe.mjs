// Drives tests/guests/kv-probe.ts: encodes a request, calls the guest, decodes the reply.

export const Op = { GET: 1, SET: 2, DELETE: 3, KEYS: 4, GET_STRING: 5, SET_STRING: 6, TRAP: 7, ABORT: 8, FAIL: 9, OTHER_BINDING_GET: 10, B64_ENCODE: 11, B64_DECODE: 12, GET_VALUE_MISUSE: 13, REPEAT_GET: 14, NOW: 15, RESPOND: 16, RETAIN: 17, RETAINED: 18, GET_LENGTH: 19 };
/** The flag on an Op (get, set, delete, keys) that runs it through `kv.portable()`. */
export const PORTABLE = 0x80;
export const Kind = { OK: 0, NotFound: 1, InvalidInput: 2, HostFailure: 3, Unavailable: 4, InvalidResponse: 5, InvalidData: 6, Handler: 7, Conflict: 8 };
export const kindName = (k) => Object.keys(Kind).find((n) => Kind[n] === k);

/** The request bytes for op with a key (any JS string, lone surrogates included) and a value. */
export function request(op, key = "", value = Buffer.alloc(0)) {
  const k = Buffer.from(key, "utf16le");
  const head = Buffer.alloc(5);
  head[0] = op;
  head.writeUInt32LE(key.length, 1);
  return Buffer.concat([head, k, Buffer.from(value)]);
}

/** Decodes the probe's reply header: { kind, code, message, rest }. */
export function decode(body) {
  const kind = body[0];
  const code = body.readInt32LE(1);
  const mlen = body.readUInt32LE(5);
  const message = body.subarray(9, 9 + mlen).toString("utf8");
  return { kind, code, message, rest: body.subarray(9 + mlen) };
}

/** A typed wrapper over one guest instance of kv-probe. */
export class Probe {
  constructor(guest) { this.guest = guest; }
  raw(op, key, value) {
    const r = this.guest.call(request(op, key, value));
    if (!r.ok) throw Object.assign(new Error(`guest call failed: ${r.error}`), { result: r });
    return decode(r.body);
  }
  get(key) { const r = this.raw(Op.GET, key); return { ...r, value: r.kind === 0 ? Buffer.from(r.rest) : null }; }
  set(key, value) { return this.raw(Op.SET, key, value); }
  delete(key) { return this.raw(Op.DELETE, key); }
  getString(key) { const r = this.raw(Op.GET_STRING, key); return { ...r, value: r.kind === 0 ? r.rest.toString("utf16le") : null }; }
  setString(key, value) { return this.raw(Op.SET_STRING, key, Buffer.from(value, "utf16le")); }
  keys() {
    const r = this.raw(Op.KEYS);
    if (r.kind !== 0) return { ...r, keys: null };
    const n = r.rest.readUInt32LE(0);
    const keys = [];
    let p = 4;
    for (let i = 0; i < n; i++) {
      const len = r.rest.readUInt32LE(p);
      keys.push(r.rest.subarray(p + 4, p + 4 + len).toString("utf8"));
      p += 4 + len;
    }
    return { ...r, keys };
  }
}

/** The n bytes the probe's RESPOND op answers for `seed` (the same formula as kv-probe.ts). */
export function pattern(n, seed) {
  const b = Buffer.alloc(n);
  for (let i = 0; i < n; i++) b[i] = (Math.imul(seed, 31) + i * 7 + (i >>> 8)) & 255;
  return b;
}

/** The request for RESPOND: a response of n bytes made from `seed`. */
export function respondRequest(n, seed) {
  const v = Buffer.alloc(8);
  v.writeUInt32LE(n, 0);
  v.writeUInt32LE(seed >>> 0, 4);
  return request(Op.RESPOND, "", v);
}

/** The request for RETAIN: retainResponses(count, millis, budgetBytes). */
export function retainRequest(count, millis, budget) {
  const v = Buffer.alloc(12);
  v.writeInt32LE(count, 0);
  v.writeInt32LE(millis, 4);
  v.writeUInt32LE(budget >>> 0, 8);
  return request(Op.RETAIN, "", v);
}
