// Just enough of the protobuf wire format to answer like Tarmac: its kvstore callbacks try
// protobuf first (pb.Unmarshal) and fall back to JSON only when that fails.

function varint(b, p) {
  let v = 0n;
  for (let i = 0; i < 10; i++) {
    if (p >= b.length) return null;
    const x = b[p++];
    v |= BigInt(x & 0x7f) << BigInt(7 * i);
    if (!(x & 0x80)) return [v, p];
  }
  return null;
}

/**
 * Parses a message as protobuf-go would, returning { fieldNumber: [values] } (length-delimited
 * values as Buffers) or null where Unmarshal fails. `strings` lists proto3 string fields, which
 * must be valid UTF-8.
 */
export function parseProto(b, strings = []) {
  const fields = {};
  let p = 0;
  // Skips a group's fields up to its matching end-group tag, nesting without recursion.
  const skipGroup = (num) => {
    const open = [num];
    while (open.length) {
      if (open.length > 10000) return false; // protobuf-go's recursion limit
      const t = varint(b, p);
      if (!t) return false;
      p = t[1];
      const n = Number(t[0] >> 3n), w = Number(t[0] & 7n);
      if (n === 0) return false;
      if (w === 4) { if (open.pop() !== n) return false; continue; }
      if (w === 3) { open.push(n); continue; }
      if (!field(n, w, true)) return false;
    }
    return true;
  };
  const field = (n, w, nested) => {
    if (w === 0) { const v = varint(b, p); if (!v) return false; p = v[1]; if (!nested) (fields[n] ??= []).push(v[0]); return true; }
    if (w === 1) { if (p + 8 > b.length) return false; p += 8; return true; }
    if (w === 5) { if (p + 4 > b.length) return false; p += 4; return true; }
    if (w === 2) {
      const l = varint(b, p);
      if (!l || l[1] + Number(l[0]) > b.length) return false;
      const v = b.subarray(l[1], l[1] + Number(l[0]));
      p = l[1] + Number(l[0]);
      if (!nested) (fields[n] ??= []).push(Buffer.from(v));
      return true;
    }
    if (w === 3) return skipGroup(n);
    return false; // 4 (stray end-group), 6, 7
  };
  while (p < b.length) {
    const t = varint(b, p);
    if (!t) return null;
    p = t[1];
    const n = Number(t[0] >> 3n), w = Number(t[0] & 7n);
    if (n === 0 || !field(n, w, false)) return null;
  }
  for (const n of strings) {
    for (const v of fields[n] ?? []) {
      try { new TextDecoder("utf-8", { fatal: true }).decode(v); } catch { return null; }
    }
  }
  return fields;
}

function encodeVarint(n) {
  const out = [];
  let v = BigInt(n);
  do { let x = Number(v & 0x7fn); v >>= 7n; if (v) x |= 0x80; out.push(x); } while (v);
  return Buffer.from(out);
}

/** Encodes { fieldNumber: value } (numbers as varints, Buffers/strings/nested objects as length-delimited). */
export function encodeProto(msg) {
  const parts = [];
  for (const [num, value] of Object.entries(msg)) {
    if (value === undefined || value === null) continue;
    if (typeof value === "number") { parts.push(encodeVarint((Number(num) << 3) | 0), encodeVarint(value)); continue; }
    const bytes = Buffer.isBuffer(value) ? value : typeof value === "string" ? Buffer.from(value) : encodeProto(value);
    parts.push(encodeVarint((Number(num) << 3) | 2), encodeVarint(bytes.length), bytes);
  }
  return Buffer.concat(parts);
}
