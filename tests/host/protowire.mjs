// The protobuf wire format as Tarmac's callbacks decode it. Since v0.8.1 every callback tries
// its protobuf message first and falls back to JSON only when that fails, so which JSON
// requests a host misreads depends on its decoder. Two are modelled, each from its source:
//
// - v0.10.0: google.golang.org/protobuf's proto.Unmarshal. A known field with the wrong wire
//   type is kept as an unknown field; unknown fields are consumed by protowire.ConsumeFieldValue,
//   where a group closes only on the end-group tag of its own number (another number is an
//   error); proto3 string fields must be valid UTF-8.
// - main: protobuf-go-lite's generated UnmarshalVT. A known field with the wrong wire type is
//   an error; an end-group tag at the top level is an error; unknown fields are skipped by
//   Skip(), which closes a group on *any* end-group tag and checks lengths only at the end.

/** The request messages of tarmac-project/protobuf-definitions: field number -> kind. */
export const schemas = {
  "kvstore:get": { 1: "string" },
  "kvstore:set": { 1: "string", 2: "bytes" },
  "kvstore:delete": { 1: "string" },
  "kvstore:keys": { 1: "bool" },
  // HTTPClient: method, headers (a map: string -> string on v0.10.0, string -> Header on main), url, body, insecure.
  "httpclient:call": { 1: "string", 2: "message", 3: "string", 4: "bytes", 5: "bool" },
  "sql:query": { 1: "bytes" },
  "sql:exec": { 1: "bytes" },
  "metrics:counter": { 1: "string" },
  "metrics:gauge": { 1: "string", 2: "string" },
  "metrics:histogram": { 1: "string", 2: "double" },
};

const WIRE = { bool: 0, double: 1, string: 2, bytes: 2, message: 2 };
const MAX_FIELD = 2 ** 29 - 1;
const utf8 = new TextDecoder("utf-8", { fatal: true });

/** A varint at p: [value as BigInt, next position], or null when truncated or over 10 bytes. */
function varint(b, p) {
  let v = 0n;
  for (let i = 0; i < 10; i++) {
    if (p >= b.length) return null;
    const x = b[p++];
    v |= BigInt(x & 0x7f) << BigInt(7 * i);
    if (!(x & 0x80)) return [v & 0xffffffffffffffffn, p];
  }
  return null;
}

function isUtf8(b) {
  try { utf8.decode(b); return true; } catch { return false; }
}

/**
 * proto.Unmarshal (v0.10.0) into a message of `schema`: { fieldNumber: [values] } (varints as
 * BigInt, fixed64 as 8-byte Buffers, length-delimited as Buffers), or null where it fails.
 */
export function unmarshalV010(b, schema) {
  const fields = {};
  let p = 0;
  // protowire.ConsumeFieldValue: the length of one field's value, or -1. Groups nest without
  // recursion here, up to protobuf-go's limit of 10,000.
  const consumeValue = (num, type) => {
    const start = p;
    const scalar = (t) => {
      if (t === 0) { const v = varint(b, p); if (!v) return false; p = v[1]; return true; }
      if (t === 1) { if (p + 8 > b.length) return false; p += 8; return true; }
      if (t === 5) { if (p + 4 > b.length) return false; p += 4; return true; }
      if (t === 2) {
        const l = varint(b, p);
        if (!l || l[0] > BigInt(b.length - l[1])) return false;
        p = l[1] + Number(l[0]);
        return true;
      }
      return false; // a stray end group, or wire types 6 and 7
    };
    if (type !== 3) return scalar(type) ? p - start : -1;
    const open = [num];
    while (open.length) {
      if (open.length > 10000) return -1;
      const t = tag(b, p);
      if (!t) return -1;
      p = t.next;
      if (t.type === 4) { if (open.pop() !== t.num) return -1; continue; }
      if (t.type === 3) { open.push(t.num); continue; }
      if (!scalar(t.type)) return -1;
    }
    return p - start;
  };
  while (p < b.length) {
    const t = tag(b, p);
    if (!t) return null;
    p = t.next;
    const kind = schema[t.num];
    if (kind !== undefined && WIRE[kind] === t.type) {
      const at = p;
      if (consumeValue(t.num, t.type) < 0) return null;
      let value;
      if (t.type === 0) value = varint(b, at)[0];
      else if (t.type === 1) value = Buffer.from(b.subarray(at, p));
      else { const l = varint(b, at); value = Buffer.from(b.subarray(l[1], p)); }
      if (kind === "string" && !isUtf8(value)) return null;
      (fields[t.num] ??= []).push(value);
      continue;
    }
    if (consumeValue(t.num, t.type) < 0) return null; // unknown, or known with another wire type
  }
  return fields;
}

// protowire.ConsumeTag: a valid field number (1 to 2^29-1) and its wire type.
function tag(b, p) {
  const v = varint(b, p);
  if (!v) return null;
  const num = Number(v[0] >> 3n);
  if (v[0] >> 3n > BigInt(MAX_FIELD) || num < 1) return null;
  return { num, type: Number(v[0] & 7n), next: v[1] };
}

/**
 * UnmarshalVT (main) into a message of `schema`: { fieldNumber: [values] } as above, or null
 * where it fails. Strings are not checked for UTF-8.
 */
export function unmarshalVT(b, schema) {
  const fields = {};
  const l = b.length;
  let p = 0;
  while (p < l) {
    const pre = p;
    const w = vtVarint(b, p);
    if (!w) return null;
    p = w[1];
    const num = Number(BigInt.asIntN(32, w[0] >> 3n));
    const type = Number(w[0] & 7n);
    if (type === 4) return null; // "wiretype end group for non-group"
    if (num <= 0) return null; // "illegal tag"
    const kind = schema[num];
    if (kind !== undefined) {
      if (WIRE[kind] !== type) return null; // "wrong wireType"
      let value;
      if (type === 0) { const v = vtVarint(b, p); if (!v) return null; value = v[0]; p = v[1]; }
      else if (type === 1) { if (p + 8 > l) return null; value = Buffer.from(b.subarray(p, p + 8)); p += 8; }
      else {
        const n = vtVarint(b, p);
        if (!n) return null;
        const len = BigInt.asIntN(64, n[0]);
        if (len < 0n || n[1] + Number(len) > l) return null;
        value = Buffer.from(b.subarray(n[1], n[1] + Number(len)));
        p = n[1] + Number(len);
      }
      (fields[num] ??= []).push(value);
      continue;
    }
    const skippy = vtSkip(b.subarray(pre));
    if (skippy === null || pre + skippy > l) return null;
    p = pre + skippy;
  }
  return fields;
}

// The generated varint loop: up to 64 bits of shift, no limit on the last byte.
function vtVarint(b, p) {
  let v = 0n;
  for (let shift = 0n; ; shift += 7n) {
    if (shift >= 64n) return null;
    if (p >= b.length) return null;
    const x = b[p++];
    v |= BigInt(x & 0x7f) << shift;
    if (x < 0x80) return [v & 0xffffffffffffffffn, p];
  }
}

// protobuf-go-lite's Skip: the length of one field (a group up to any end-group tag), or null.
function vtSkip(b) {
  const l = b.length;
  let i = 0;
  let depth = 0;
  while (i < l) {
    const w = vtVarint(b, i);
    if (!w) return null;
    i = w[1];
    const type = Number(w[0] & 7n);
    if (type === 0) {
      for (let shift = 0; ; shift += 7) {
        if (shift >= 64 || i >= l) return null;
        if (b[i++] < 0x80) break;
      }
    } else if (type === 1) i += 8;
    else if (type === 2) {
      const n = vtVarint(b, i);
      if (!n) return null;
      const len = BigInt.asIntN(64, n[0]);
      if (len < 0n) return null;
      i = n[1] + Number(len);
    } else if (type === 3) depth++;
    else if (type === 4) { if (depth === 0) return null; depth--; }
    else if (type === 5) i += 4;
    else return null;
    if (depth === 0) return i;
  }
  return null;
}

/** The decoder of a Tarmac profile ("v0.10.0" or "main"). */
export function protoDecoder(profile) {
  return profile === "main" ? unmarshalVT : unmarshalV010;
}

function encodeVarint(n) {
  const out = [];
  let v = BigInt(n);
  if (v < 0n) v = BigInt.asUintN(64, v);
  do { let x = Number(v & 0x7fn); v >>= 7n; if (v) x |= 0x80; out.push(x); } while (v);
  return Buffer.from(out);
}

/**
 * Encodes { fieldNumber: value } (numbers as varints, Buffers/strings/nested objects as
 * length-delimited; an array repeats the field).
 */
export function encodeProto(msg) {
  const parts = [];
  for (const [num, value] of Object.entries(msg)) {
    for (const v of Array.isArray(value) ? value : [value]) {
      if (v === undefined || v === null) continue;
      if (typeof v === "number" || typeof v === "bigint") { parts.push(encodeVarint((Number(num) << 3) | 0), encodeVarint(v)); continue; }
      const bytes = Buffer.isBuffer(v) ? v : typeof v === "string" ? Buffer.from(v) : encodeProto(v);
      parts.push(encodeVarint((Number(num) << 3) | 2), encodeVarint(bytes.length), bytes);
    }
  }
  return Buffer.concat(parts);
}

/** Decodes a reply Tarmac sent in protobuf, with no schema: { fieldNumber: [values] } or null. */
export function parseProto(b) {
  const fields = {};
  let p = 0;
  while (p < b.length) {
    const t = tag(b, p);
    if (!t) return null;
    p = t.next;
    if (t.type === 0) { const v = varint(b, p); if (!v) return null; (fields[t.num] ??= []).push(v[0]); p = v[1]; }
    else if (t.type === 2) {
      const l = varint(b, p);
      if (!l || l[0] > BigInt(b.length - l[1])) return null;
      (fields[t.num] ??= []).push(Buffer.from(b.subarray(l[1], l[1] + Number(l[0]))));
      p = l[1] + Number(l[0]);
    } else if (t.type === 1 || t.type === 5) {
      const n = t.type === 1 ? 8 : 4;
      if (p + n > b.length) return null;
      (fields[t.num] ??= []).push(Buffer.from(b.subarray(p, p + n)));
      p += n;
    } else return null;
  }
  return fields;
}
