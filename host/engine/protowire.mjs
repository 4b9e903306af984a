// The protobuf wire format as Tarmac's callbacks decode it. Since v0.8.1 every callback tries
// its protobuf message first and falls back to JSON only when that fails, so which JSON
// requests a host misreads depends on its decoder. Two are modelled, each from its source:
//
// - v0.10.0: google.golang.org/protobuf's proto.Unmarshal. A known field with the wrong wire
//   type is kept as an unknown field; unknown fields are consumed by protowire.ConsumeFieldValue,
//   where a group closes only on the end-group tag of its own number (another number is an
//   error) and takes field numbers up to 2^31-1; proto3 string fields (map keys and values
//   too) must be valid UTF-8; a varint's tenth byte must be 0 or 1.
// - main: protobuf-go-lite's generated UnmarshalVT. A known field with the wrong wire type is
//   an error; an end-group tag at the top level is an error; unknown fields are skipped by
//   Skip(), which closes a group on *any* end-group tag and checks lengths only at the end. A
//   map entry is read without wire type checks, and its key and value may reach past its end.

// The request messages themselves (field number -> kind, from tarmac-project/protobuf-definitions)
// are the registry's: PROTO_MESSAGES in spec/capabilities.mjs, by "namespace:operation".

const WIRE = { bool: 0, double: 1, string: 2, bytes: 2, map: 2 };
const MAX_FIELD = 2 ** 29 - 1;
const utf8 = new TextDecoder("utf-8", { fatal: true });

/**
 * A varint at p (protowire.ConsumeVarint): [value as BigInt, next position], or null when
 * truncated, over 10 bytes, or over 64 bits (a tenth byte above 1).
 */
function varint(b, p) {
  let v = 0n;
  for (let i = 0; i < 10; i++) {
    if (p >= b.length) return null;
    const x = b[p++];
    if (i === 9 && x > 1) return null;
    v |= BigInt(x & 0x7f) << BigInt(7 * i);
    if (!(x & 0x80)) return [v, p];
  }
  return null;
}

// A length-delimited value at p (protowire.ConsumeBytes): [start, end], or null when its length
// is truncated or runs past the end of the buffer.
function bytesAt(b, p) {
  const l = varint(b, p);
  if (!l || l[0] > BigInt(b.length - l[1])) return null;
  return [l[1], l[1] + Number(l[0])];
}

function isUtf8(b) {
  try { utf8.decode(b); return true; } catch { return false; }
}

/**
 * proto.Unmarshal (v0.10.0) into a message of `schema`: { fieldNumber: [values] } (varints as
 * BigInt, fixed64 as 8-byte Buffers, length-delimited as Buffers, map entries as { key, value }
 * with Buffers), or null where it fails.
 */
export function unmarshalV010(b, schema) {
  const fields = {};
  let p = 0;
  // protowire.ConsumeFieldValue: the length of one field's value, or -1. Groups nest without
  // recursion here: the outer group starts at depth 10,000 (DefaultRecursionLimit), each nested
  // group one lower, and a group below 0 fails, so 10,001 can be open. Inside a group, tags are
  // read by ConsumeTag, which takes field numbers up to 2^31-1.
  const consumeValue = (num, type) => {
    const start = p;
    const scalar = (t) => {
      if (t === 0) { const v = varint(b, p); if (!v) return false; p = v[1]; return true; }
      if (t === 1) { if (p + 8 > b.length) return false; p += 8; return true; }
      if (t === 5) { if (p + 4 > b.length) return false; p += 4; return true; }
      if (t === 2) {
        const r = bytesAt(b, p);
        if (!r) return false;
        p = r[1];
        return true;
      }
      return false; // a stray end group, or wire types 6 and 7
    };
    if (type !== 3) return scalar(type) ? p - start : -1;
    const open = [num];
    while (open.length) {
      if (open.length > 10001) return -1;
      const t = tag(b, p, 2 ** 31 - 1);
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
      else value = Buffer.from(b.subarray(bytesAt(b, at)[0], p));
      if (kind === "string" && !isUtf8(value)) return null;
      if (kind === "map") {
        // consumeMap: the entry is read as a message { 1: key, 2: value } of proto3 strings.
        const entry = unmarshalV010(value, { 1: "string", 2: "string" });
        if (!entry) return null;
        value = { key: entry[1]?.at(-1) ?? Buffer.alloc(0), value: entry[2]?.at(-1) ?? Buffer.alloc(0) };
      }
      (fields[t.num] ??= []).push(value);
      continue;
    }
    if (consumeValue(t.num, t.type) < 0) return null; // unknown, or known with another wire type
  }
  return fields;
}

// A tag: its field number (1 to `max`) and wire type. Messages take field numbers up to 2^29-1;
// protowire.ConsumeTag alone (in groups) up to 2^31-1.
function tag(b, p, max = MAX_FIELD) {
  const v = varint(b, p);
  if (!v) return null;
  const num = Number(v[0] >> 3n);
  if (num > max || num < 1) return null;
  return { num, type: Number(v[0] & 7n), next: v[1] };
}

/**
 * UnmarshalVT (main) into a message of `schema`: { fieldNumber: [values] } as above, or null
 * where it fails; a map entry's value is a Header's values (an array of Buffers) or null for
 * none. Strings are not checked for UTF-8.
 */
export function unmarshalVT(b, schema) {
  const fields = {};
  const l = b.length;
  let p = 0;
  while (p < l) {
    const pre = p;
    const t = vtTag(b, p);
    if (!t) return null;
    const { num, type } = t;
    p = t.next;
    if (type === 4) return null; // "wiretype end group for non-group"
    if (num <= 0) return null; // "illegal tag"
    const kind = schema[num];
    if (kind !== undefined) {
      if (WIRE[kind] !== type) return null; // "wrong wireType"
      let value;
      if (type === 0) { const v = vtVarint(b, p); if (!v) return null; value = v[0]; p = v[1]; }
      else if (type === 1) { if (p + 8 > l) return null; value = Buffer.from(b.subarray(p, p + 8)); p += 8; }
      else {
        const n = vtBytes(b, p);
        if (!n) return null;
        if (kind === "map") {
          value = vtMapEntry(b, n[0], n[1]);
          if (!value) return null;
        } else value = Buffer.from(b.subarray(n[0], n[1]));
        p = n[1];
      }
      (fields[num] ??= []).push(value);
      continue;
    }
    p = vtSkipField(b, pre, l);
    if (p === null) return null;
  }
  return fields;
}

// A tag as the generated code reads it: { num (as an int32), type, next }, or null.
function vtTag(b, p) {
  const w = vtVarint(b, p);
  if (!w) return null;
  return { num: Number(BigInt.asIntN(32, w[0] >> 3n)), type: Number(w[0] & 7n), next: w[1] };
}

// A length-delimited value at p: [start, end], or null where the generated code fails (a
// negative length as int, or past the end of the buffer).
function vtBytes(b, p) {
  const n = vtVarint(b, p);
  if (!n) return null;
  const len = BigInt.asIntN(64, n[0]);
  if (len < 0n || n[1] + Number(len) > b.length) return null;
  return [n[1], n[1] + Number(len)];
}

// The generated map entry loop (HTTPClient.Headers: string -> Header) over b[start:end]: no wire
// type checks; the key and the value's length are read against the whole buffer, so they may
// reach past the entry (reading stops at its end, and the next field starts there); other
// fields are skipped with Skip over the rest of the buffer and must end inside the entry.
// Returns { key, value: a Header's values or null }, or null where it fails.
function vtMapEntry(b, start, end) {
  let key = Buffer.alloc(0);
  let value = null;
  let p = start;
  while (p < end) {
    const pre = p;
    const t = vtTag(b, p);
    if (!t) return null;
    const num = t.num;
    p = t.next;
    if (num === 1 || num === 2) {
      const n = vtBytes(b, p);
      if (!n) return null;
      if (num === 1) key = Buffer.from(b.subarray(n[0], n[1]));
      else {
        const header = unmarshalVT(b.subarray(n[0], n[1]), { 1: "string" }); // Header.UnmarshalVT
        if (!header) return null;
        value = header[1] ?? [];
      }
      p = n[1];
      continue;
    }
    p = vtSkipField(b, pre, end);
    if (p === null) return null;
  }
  return { key, value };
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

// An unknown field at `pre`, skipped as the generated code does (Skip over the rest of the
// buffer): where it ends, or null when Skip fails or the field ends past `end`.
function vtSkipField(b, pre, end) {
  const skippy = vtSkip(b.subarray(pre));
  return skippy === null || pre + skippy > end ? null : pre + skippy;
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

/** The last value of field `n` of decoded `fields` (Go keeps the last of a repeated scalar), or undefined. */
export const lastField = (fields, n) => fields[n]?.at(-1);

/** The last value of field `n` as text; "" when there is none. */
export const lastText = (fields, n) => lastField(fields, n)?.toString() ?? "";

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
      const r = bytesAt(b, p);
      if (!r) return null;
      (fields[t.num] ??= []).push(Buffer.from(b.subarray(r[0], r[1])));
      p = r[1];
    } else if (t.type === 1 || t.type === 5) {
      const n = t.type === 1 ? 8 : 4;
      if (p + n > b.length) return null;
      (fields[t.num] ??= []).push(Buffer.from(b.subarray(p, p + n)));
      p += n;
    } else return null;
  }
  return fields;
}
