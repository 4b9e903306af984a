// What Go's encoding/json and encoding/base64 do, for a host that must answer like Tarmac's.

/** Go's json.Marshal of a string: JSON.stringify plus Go's HTML-safe escapes. */
export function goString(s) {
  // Fast path for long plain strings such as base64 (what the host sends most).
  if (s.length > 64 && !/[^A-Za-z0-9+/=._ -]/.test(s)) return `"${s}"`;
  return JSON.stringify(s)
    .replace(/</g, "\\u003c").replace(/>/g, "\\u003e").replace(/&/g, "\\u0026")
    .replace(/\u2028/g, "\\u2028").replace(/\u2029/g, "\\u2029");
}

/** A []byte field: Go's encoding/json writes it as a base64 string. `goBytes(value)` */
export class GoBytes {
  constructor(bytes) { this.bytes = bytes; }
}
export const goBytes = (bytes) => new GoBytes(bytes);

/**
 * Go's json.Marshal as bytes, for a value made of objects (ordered as given), arrays, strings,
 * numbers, booleans, null and GoBytes. Base64 fields are copied in as Latin-1 beside the rest,
 * so a large value costs one encode and one copy (the host's floor is part of every benchmark).
 */
export function goJSON(v) {
  const chunks = [];
  let text = "";
  const put = (x) => {
    if (x instanceof GoBytes) {
      chunks.push(Buffer.from(text + '"'));
      chunks.push(Buffer.from(Buffer.from(x.bytes).toString("base64"), "latin1"));
      text = '"';
    } else if (x === null || x === undefined) text += "null";
    else if (typeof x === "string") text += goString(x);
    else if (typeof x === "number" || typeof x === "boolean") text += String(x);
    else if (Array.isArray(x)) { text += "["; x.forEach((y, i) => { if (i) text += ","; put(y); }); text += "]"; }
    else { text += "{"; Object.entries(x).forEach(([k, y], i) => { text += (i ? "," : "") + goString(k) + ":"; put(y); }); text += "}"; }
  };
  put(v);
  chunks.push(Buffer.from(text));
  return chunks.length === 1 ? chunks[0] : Buffer.concat(chunks);
}

/** Go's json.Marshal as a string (see goJSON). */
export const goMarshal = (v) => goJSON(v).toString();

/**
 * Go's json.Unmarshal into a struct with the given string fields: field names match
 * case-insensitively, the last duplicate wins, unknown fields are ignored. Returns null when
 * Go would return an error (invalid JSON, or a field of the wrong type).
 */
export function goUnmarshal(bytes, fields) {
  const text = new TextDecoder("utf-8", { fatal: false }).decode(bytes);
  let v;
  try {
    v = JSON.parse(text);
  } catch {
    return null;
  }
  const out = Object.fromEntries(Object.keys(fields).map((f) => [f, fields[f]]));
  if (v === null) return out;
  if (typeof v !== "object" || Array.isArray(v)) return null;
  // Members in document order, duplicates included (JSON.parse keeps only the last value of
  // a duplicate, at the first one's place; Go assigns each in turn).
  for (const [k, x] of objectMembers(text)) {
    const f = Object.keys(fields).find((name) => name.toLowerCase() === k.toLowerCase());
    if (!f) continue;
    if (x === null) continue;
    const want = typeof fields[f];
    if (typeof x !== want) return null;
    out[f] = x;
  }
  return out;
}

/** The members of the valid JSON object `text`, in order: [[key, value], ...]. */
function objectMembers(text) {
  const members = [];
  let i = text.indexOf("{") + 1;
  const ws = () => { while (" \t\r\n".includes(text[i]) && i < text.length) i++; };
  const stringEnd = (p) => { for (p++; text[p] !== '"'; p++) if (text[p] === "\\") p++; return p + 1; };
  for (;;) {
    ws();
    if (text[i] === "}") return members;
    if (text[i] === ",") { i++; ws(); }
    const keyEnd = stringEnd(i);
    const key = JSON.parse(text.slice(i, keyEnd));
    i = keyEnd; ws(); i++; ws(); // the colon
    const start = i;
    let depth = 0;
    for (; ; i++) {
      const c = text[i];
      if (c === '"') { i = stringEnd(i) - 1; if (depth === 0) { i++; break; } continue; }
      if (c === "{" || c === "[") depth++;
      else if (c === "}" || c === "]") { if (depth === 0) break; depth--; if (depth === 0) { i++; break; } }
      else if (c === "," && depth === 0) break;
    }
    members.push([key, JSON.parse(text.slice(start, i))]);
  }
}

/** Go's base64.StdEncoding.DecodeString: padded standard alphabet, CR/LF ignored; null on error. */
export function goBase64Decode(s) {
  const t = s.includes("\r") || s.includes("\n") ? s.replace(/[\r\n]/g, "") : s;
  if (t.length % 4 !== 0) return null;
  const bytes = Buffer.from(t, "base64");
  if (t.length === 0) return bytes;
  if (!/^[A-Za-z0-9+/]{2}(?:==|[A-Za-z0-9+/]=|[A-Za-z0-9+/]{2})$/.test(t.slice(-4))) return null;
  // Node skips characters outside its alphabet and also takes the URL-safe one; Go does
  // neither. With no "-", "_" or early "=", every skipped character shortens the output, so
  // the length shows it. (Go, like Node, ignores non-zero trailing bits.)
  const pad = t.endsWith("==") ? 2 : t.endsWith("=") ? 1 : 0;
  const eq = t.indexOf("=");
  if (t.indexOf("-") >= 0 || t.indexOf("_") >= 0 || (eq >= 0 && eq < t.length - pad)) return null;
  return bytes.length === (t.length / 4) * 3 - pad ? bytes : null;
}
