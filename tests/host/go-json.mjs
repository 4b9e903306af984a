// What Go's encoding/json and encoding/base64 do, for a host that must answer like Tarmac's.

/** Go's json.Marshal of a string: JSON.stringify plus Go's HTML-safe escapes. */
export function goString(s) {
  // Fast path for long plain strings such as base64 (what the host sends most).
  if (s.length > 64 && !/[^A-Za-z0-9+/=._ -]/.test(s)) return `"${s}"`;
  return JSON.stringify(s)
    .replace(/</g, "\\u003c").replace(/>/g, "\\u003e").replace(/&/g, "\\u0026")
    .replace(/\u2028/g, "\\u2028").replace(/\u2029/g, "\\u2029");
}

/** Go's json.Marshal of a value made of objects (ordered as given), arrays, strings, numbers, booleans and null. */
export function goMarshal(v) {
  if (v === null || v === undefined) return "null";
  if (typeof v === "string") return goString(v);
  if (typeof v === "number" || typeof v === "boolean") return String(v);
  if (Array.isArray(v)) return "[" + v.map(goMarshal).join(",") + "]";
  return "{" + Object.entries(v).map(([k, x]) => goString(k) + ":" + goMarshal(x)).join(",") + "}";
}

/**
 * Go's json.Unmarshal into a struct with the given string fields: field names match
 * case-insensitively, the last duplicate wins, unknown fields are ignored. Returns null when
 * Go would return an error (invalid JSON, or a field of the wrong type).
 */
export function goUnmarshal(bytes, fields) {
  let v;
  try {
    v = JSON.parse(new TextDecoder("utf-8", { fatal: false }).decode(bytes));
  } catch {
    return null;
  }
  if (v === null) return Object.fromEntries(Object.keys(fields).map((f) => [f, fields[f]]));
  if (typeof v !== "object" || Array.isArray(v)) return null;
  const out = Object.fromEntries(Object.keys(fields).map((f) => [f, fields[f]]));
  for (const [k, x] of Object.entries(v)) {
    const f = Object.keys(fields).find((name) => name.toLowerCase() === k.toLowerCase());
    if (!f) continue;
    if (x === null) continue;
    const want = typeof fields[f];
    if (typeof x !== want) return null;
    out[f] = x;
  }
  return out;
}

/** Go's base64.StdEncoding.DecodeString: padded standard alphabet, CR/LF ignored; null on error. */
export function goBase64Decode(s) {
  const t = s.includes("\r") || s.includes("\n") ? s.replace(/[\r\n]/g, "") : s;
  if (t.length % 4 !== 0) return null;
  const bytes = Buffer.from(t, "base64");
  // Node skips characters outside the alphabet; Go rejects them. Go accepts non-zero trailing
  // bits, which re-encoding would change, so compare all but the last group exactly.
  const back = bytes.toString("base64");
  if (back.length !== t.length || back.slice(0, -4) !== t.slice(0, -4)) return null;
  if (!/^[A-Za-z0-9+/]{2}(?:==|[A-Za-z0-9+/]=|[A-Za-z0-9+/]{2})$/.test(t.slice(-4)) && t.length) return null;
  return bytes;
}

/** Go's base64.StdEncoding.EncodeToString. */
export function goBase64Encode(bytes) {
  return Buffer.from(bytes).toString("base64");
}
