// A reference for what the SDK must answer to any host reply: its rules written again, plainly,
// in JavaScript. The fuzzer compares the compiled guest against this, reply by reply.
import { Kind } from "../probe.mjs";
import { LIMITS, hostText, isStoreRejection, STORE_REJECTIONS } from "../../spec/capabilities.mjs";

const MAX_DEPTH = LIMITS.MAX_JSON_DEPTH[1]; // the SDK's limit on nesting inside a skipped value
// The host texts the reference recognises, from the registry the SDK's table follows.
const CALLBACK_NOT_FOUND = hostText("CALLBACK_NOT_FOUND");

class Invalid extends Error {}

/**
 * Parses UTF-8 JSON bytes as the SDK's reader does: strict grammar, strict UTF-8 in strings,
 * escaped lone surrogates as U+FFFD. Objects keep every member in order: { type: "object",
 * members: [[rawName, value]] }; numbers keep their text.
 */
export function parse(bytes) {
  let p = 0;
  const ws = () => { while (p < bytes.length && (bytes[p] === 32 || bytes[p] === 10 || bytes[p] === 13 || bytes[p] === 9)) p++; };
  const fail = () => { throw new Invalid(); };
  const string = () => {
    if (bytes[p] !== 34) fail();
    p++;
    let units = [];
    for (;;) {
      if (p >= bytes.length) fail();
      const c = bytes[p];
      if (c === 34) { p++; break; }
      if (c < 0x20) fail();
      if (c === 92) {
        const x = bytes[p + 1];
        if (x === 117) {
          const hex = Buffer.from(bytes.subarray(p + 2, p + 6)).toString("latin1");
          if (!/^[0-9a-fA-F]{4}$/.test(hex)) fail();
          units.push(parseInt(hex, 16));
          p += 6;
        } else {
          const map = { 34: 34, 92: 92, 47: 47, 98: 8, 102: 12, 110: 10, 114: 13, 116: 9 };
          if (!(x in map)) fail();
          units.push(map[x]);
          p += 2;
        }
        continue;
      }
      if (c < 0x80) { units.push(c); p++; continue; }
      let n = 0;
      if (c >= 0xc2 && c <= 0xdf) n = 2; else if (c >= 0xe0 && c <= 0xef) n = 3; else if (c >= 0xf0 && c <= 0xf4) n = 4; else fail();
      if (p + n > bytes.length) fail();
      let s;
      try { s = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(bytes.subarray(p, p + n)); } catch { fail(); }
      for (let i = 0; i < s.length; i++) units.push(s.charCodeAt(i));
      p += n;
    }
    // Escaped surrogates survive only as valid pairs.
    let out = "";
    for (let i = 0; i < units.length; i++) {
      const u = units[i];
      if (u >= 0xd800 && u <= 0xdbff && i + 1 < units.length && units[i + 1] >= 0xdc00 && units[i + 1] <= 0xdfff) { out += String.fromCharCode(u, units[++i]); continue; }
      out += u >= 0xd800 && u <= 0xdfff ? "\ufffd" : String.fromCharCode(u);
    }
    return out;
  };
  const value = (depth) => {
    ws();
    const start = p;
    const node = valueAt(depth);
    node.raw = Buffer.from(bytes.subarray(start, p)).toString("utf8");
    return node;
  };
  const valueAt = (depth) => {
    if (p >= bytes.length) fail();
    const c = bytes[p];
    if (c === 34) return { type: "string", value: string() };
    if (c === 123 || c === 91) {
      p++;
      const members = [];
      const close = c === 123 ? 125 : 93;
      ws();
      if (bytes[p] === close) { p++; return { type: c === 123 ? "object" : "array", members, depth }; }
      for (;;) {
        ws();
        if (c === 123) {
          const name = string();
          ws();
          if (bytes[p] !== 58) fail();
          p++;
          members.push([name, value(depth + 1)]);
        } else {
          members.push(value(depth + 1));
        }
        ws();
        if (bytes[p] === 44) { p++; continue; }
        if (bytes[p] === close) { p++; break; }
        fail();
      }
      return { type: c === 123 ? "object" : "array", members, depth };
    }
    const rest = Buffer.from(bytes.subarray(p, p + 100000)).toString("latin1");
    let m;
    if ((m = /^-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/.exec(rest)) && m[0].length) { p += m[0].length; return { type: "number", text: m[0] }; }
    for (const [word, v] of [["true", true], ["false", false], ["null", null]]) {
      if (rest.startsWith(word)) { p += word.length; return { type: v === null ? "null" : "bool", value: v }; }
    }
    fail();
  };
  try {
    const v = value(0);
    ws();
    if (p !== bytes.length) fail();
    return v;
  } catch (e) {
    if (e instanceof Invalid || e instanceof RangeError) return null;
    throw e;
  }
}

// The deepest nesting inside v, counting v itself as 0.
function depthOf(v) {
  if (v.type !== "object" && v.type !== "array") return 0;
  let d = 0;
  for (const m of v.members) d = Math.max(d, 1 + depthOf(v.type === "object" ? m[1] : m));
  return d;
}

const same = (a, b) => a.length === b.length && [...a].every((ch, i) => ch === b[i] || ((ch.charCodeAt(0) | 32) === (b.charCodeAt(i) | 32) && /[a-z]/i.test(ch)));

/** Strict standard padded base64, as the SDK decodes it; null if not canonical. */
export function strictBase64(text) {
  if (text.length % 4 !== 0) return null;
  if (!/^[A-Za-z0-9+/]*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/.test(text)) return null;
  const bytes = Buffer.from(text, "base64");
  return bytes.toString("base64") === text ? bytes : null;
}

/**
 * What the SDK must return for `operation` ("get", "set", "delete", "keys") given a host reply
 * { ok, error, body }: { kind } and, on success, { value } (bytes for get, strings for keys).
 */
export function expected(operation, reply) {
  let data = null, hasData = false, keys = [];
  const fields = {};
  if (operation === "get") fields.data = (v, st) => { hasData = true; data = base64Field(v, st); return data !== undefined; };
  if (operation === "keys") {
    fields.keys = (v, st) => {
      if (v.type === "null") return true;
      if (v.type !== "array") { st.problem = true; return !tooDeep(v); }
      keys = [];
      for (const item of v.members) {
        if (item.type === "string") keys.push(item.value);
        else { st.problem = true; if (tooDeep(item)) return false; }
      }
      return true;
    };
  }
  const verdict = walkReply(reply, fields, operation);
  if (verdict) return verdict;
  if (operation === "get") return hasData && data !== null ? { kind: Kind.OK, value: data } : { kind: Kind.InvalidResponse };
  if (operation === "keys") return { kind: Kind.OK, value: keys };
  return { kind: Kind.OK };
}

const tooDeep = (v) => depthOf(v) > MAX_DEPTH;

/**
 * Walks a status reply as the SDK does: the status, then each field in `fields` by name (a
 * handler returns false when the reply cannot be read at all), unknown fields skipped with the
 * depth limit. Returns the error verdict, or null when the reply is a success.
 */
function walkReply(reply, fields, kvOperation = "") {
  const { doc, result } = statusPrelude(reply);
  if (result) return result;
  const st = { code: 0, problem: false };
  for (const [name, v] of doc.members) {
    const field = Object.keys(fields).find((f) => same(name, f));
    if (same(name, "status")) { if (!readStatusInto(v, st)) return { kind: Kind.InvalidResponse }; }
    else if (field) { if (!fields[field](v, st)) return { kind: Kind.InvalidResponse }; }
    else if (tooDeep(v)) return { kind: Kind.InvalidResponse };
  }
  return statusVerdict(st, reply.ok, kvOperation, reply.error);
}

// The parts every status reply shares: returns { doc, st } or { result } when already decided.
function statusPrelude({ ok, error = "", body }) {
  if (body.length === 0) {
    if (ok) return { result: { kind: Kind.InvalidResponse } };
    return { result: { kind: error === CALLBACK_NOT_FOUND ? Kind.Unavailable : Kind.HostFailure } };
  }
  const doc = parse(body);
  if (!doc || doc.type !== "object") return { result: { kind: Kind.InvalidResponse } };
  return { doc };
}

function readStatusInto(v, st) {
  if (v.type === "null") return true;
  if (v.type !== "object") return false;
  for (const [n2, v2] of v.members) {
    if (same(n2, "code")) {
      if (v2.type === "null") continue;
      if (v2.type !== "number") return false;
      const t = v2.text;
      const digits = t.replace(/^-/, "");
      if (!/^[0-9]+$/.test(digits) || digits.length > 18 || Math.abs(Number(t)) > 2147483647 + (t.startsWith("-") ? 1 : 0)) st.problem = true;
      else st.code = Number(t);
    } else if (same(n2, "status")) {
      if (v2.type !== "null" && v2.type !== "string") return false;
      if (v2.type === "string") st.text = v2.value;
    } else if (depthOf(v2) > MAX_DEPTH) return false;
  }
  return true;
}

// hord's ErrNil: the end of Tarmac's message for a missing key (any other failure of a get is 404 too).
const HORD_NIL = hostText("HORD_NIL");

/**
 * The kind of a key:value (`kvOperation`: "get", "set"...) or other ("") reply with a failed
 * status `code` (400 up) and message `text`: NotFound for hord's ErrNil on a get's 404, and
 * InvalidInput for 400 or a store's refusal of the key or value.
 */
export function failedStatusKind(code, text, kvOperation = "") {
  if (code === 404 && kvOperation === "get" && text.endsWith(HORD_NIL)) return Kind.NotFound;
  if (code === 400) return Kind.InvalidInput;
  if (STORE_REJECTIONS.some((row) => row.operations.includes(kvOperation)) && isStoreRejection(text)) return Kind.InvalidInput;
  return Kind.HostFailure;
}

function statusVerdict(st, ok, kvOperation = "", error = "") {
  if (st.problem || st.code === 0 || st.code < 100 || st.code > 599) return { kind: Kind.InvalidResponse };
  if (st.code >= 400) return { kind: failedStatusKind(st.code, st.text || error || "", kvOperation) };
  if (!ok) return { kind: Kind.InvalidResponse };
  return null;
}

function base64Field(v, st) {
  if (v.type === "string") { const d = strictBase64(v.value); if (!d) st.problem = true; return d; }
  if (depthOf(v) > MAX_DEPTH) return undefined;
  st.problem = true;
  return null;
}

/** What `http` must return for an httpclient reply: { kind, value: { status, headers, body } }. */
export function expectedHttp(reply) {
  let code = 0, headers = new Map(), body = null;
  const verdict = walkReply(reply, {
    code: (v, st) => {
      if (v.type !== "number") return false;
      if (!/^[0-9]+$/.test(v.text) || v.text.length > 18 || Number(v.text) > 999) st.problem = true; else code = Number(v.text);
      return true;
    },
    headers: (v, st) => {
      if (v.type === "null") return true;
      if (v.type !== "object") { st.problem = true; return !tooDeep(v); }
      headers = new Map();
      for (const [hn, hv] of v.members) {
        if (hv.type === "string") headers.set(hn, hv.value);
        else { st.problem = true; if (tooDeep(hv)) return false; }
      }
      return true;
    },
    body: (v, st) => { body = base64Field(v, st); return body !== undefined; },
  });
  if (verdict) return verdict;
  if (body === null) return { kind: Kind.InvalidResponse };
  return { kind: Kind.OK, value: { status: code, headers: [...headers].sort(), body } };
}

// SqlValue's conversions, as the SDK defines them.
function asInt(type, raw) {
  if (type === 0) return null;
  const m = /^([+-]?)([0-9]{1,19})$/.exec(raw);
  if (!m) return null;
  const v = BigInt(m[2]);
  if (v > (m[1] === "-" ? 9223372036854775808n : 9223372036854775807n)) return null;
  return String(m[1] === "-" ? -v : v);
}
function asBool(type, raw) {
  if (type === 0) return null;
  if (["true", "1", "t"].includes(raw)) return true;
  if (["false", "0", "f"].includes(raw)) return false;
  return null;
}

/** What `sql`/`mysql` must return for a query reply: { kind, value: rows as the caps probe reports them }. */
export function expectedSql(reply, base64Columns) {
  let data = null;
  const verdict = walkReply(reply, { data: (v, st) => { data = base64Field(v, st); return data !== undefined; } });
  if (verdict) return verdict;
  if (data === null) return { kind: Kind.InvalidResponse };
  if (data.length === 0) return { kind: Kind.OK, value: [] };
  const rows = parse(data);
  if (!rows) return { kind: Kind.InvalidResponse };
  if (rows.type === "null") return { kind: Kind.OK, value: [] };
  if (rows.type !== "array") return { kind: Kind.InvalidResponse };
  const out = [];
  for (const row of rows.members) {
    if (row.type !== "object") return { kind: Kind.InvalidResponse };
    const cols = new Map();
    for (const [name, v] of row.members) {
      let type, raw, bytes;
      if (v.type === "null") { type = 0; raw = ""; }
      else if (v.type === "string") {
        if (base64Columns) {
          const b = strictBase64(v.value);
          if (!b) return { kind: Kind.InvalidResponse };
          type = 3; raw = lossyUtf8(b); bytes = b.length;
        } else { type = 3; raw = v.value; }
      } else {
        if (depthOf(v) > MAX_DEPTH) return { kind: Kind.InvalidResponse };
        type = v.type === "bool" ? 1 : v.type === "number" ? 2 : 4;
        raw = v.raw;
      }
      cols.set(name, { type, text: raw, int: asInt(type, raw), bool: asBool(type, raw), bytes: bytes ?? Buffer.byteLength(raw) });
    }
    out.push(Object.fromEntries(cols));
  }
  return { kind: Kind.OK, value: out };
}

/** Logger, metrics and function calls: replies where only ok and the error text count. */
export function expectedText(capability, { ok, error = "", body }) {
  if (ok) return capability === "function" ? { kind: Kind.OK, value: Buffer.from(body) } : { kind: Kind.OK };
  if (capability === "function") return { kind: error === CALLBACK_NOT_FOUND ? Kind.NotFound : Kind.HostFailure };
  if (error === CALLBACK_NOT_FOUND) return { kind: Kind.Unavailable };
  if (capability === "metrics") {
    if (error === hostText("METRIC_NAME_IN_USE")) return { kind: Kind.Conflict };
    if (error === hostText("INVALID_METRIC_NAME") || error === hostText("INVALID_ACTION")) return { kind: Kind.InvalidInput };
  }
  return { kind: Kind.HostFailure };
}

// The SDK's lossy UTF-8 decoding: each byte that does not start a valid sequence becomes U+FFFD.
function lossyUtf8(b) {
  let out = "";
  for (let i = 0; i < b.length;) {
    const c = b[i];
    let n = 0;
    if (c < 0x80) { out += String.fromCharCode(c); i++; continue; }
    if (c >= 0xc2 && c <= 0xdf) n = 2; else if (c >= 0xe0 && c <= 0xef) n = 3; else if (c >= 0xf0 && c <= 0xf4) n = 4;
    let s = null;
    if (n && i + n <= b.length) { try { s = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(b.subarray(i, i + n)); } catch { s = null; } }
    if (s === null || s.length === 0) { out += "\ufffd"; i++; continue; }
    out += s; i += n;
  }
  return out;
}
