// Hostile protobuf replies: realistic Tarmac replies of every operation (both header encodings,
// values from 0 B to about 100 KiB and now and then 1 MiB, keys, columns and headers in any
// script), then mutated as messages (wrong wire types, huge, negative and over-long varints,
// lengths past the end, garbage inside nested messages, invalid UTF-8 in strings, duplicate and
// unknown fields, groups) and as bytes (cut short, bits flipped, bytes inserted and removed),
// sent to the guests built for the protobuf wire and compared with proto-reference.mjs. Case i
// uses seed + i, so any case replays alone.
import { isDeepStrictEqual } from "node:util";
import { rng } from "./hostile.mjs";
import { rowsJson } from "./caps.mjs";
import { INVALID_UTF8, VALID_UTF8_EDGES } from "./bad-text.mjs";
import { expectedProto } from "./proto-reference.mjs";
import { probeInstance, wireGuests } from "../guests.mjs";
import { Op, request, decode, Kind, kindName } from "../probe.mjs";
import { CapsOp, capsRequest, httpValuesRequest } from "../caps.mjs";

// ---- Writing messages ------------------------------------------------------------------------
// A message is a list of fields { num, type, value }: value is a number or BigInt (type 0), a
// Buffer (types 1 and 5), or a Buffer, a string or a message (type 2). A field may carry its
// own bytes for the tag (`tag`) or the varint (`raw`), or a length that lies (`lengthDelta`).

/** A varint's bytes (a negative number as its 64-bit two's complement, as Go writes an int64). */
export function varintBytes(v) {
  if (typeof v === "number" && v >= 0 && v < 2 ** 31) {
    const out = [];
    while (v >= 0x80) { out.push((v & 0x7f) | 0x80); v >>>= 7; }
    out.push(v);
    return Buffer.from(out);
  }
  let x = BigInt.asUintN(64, BigInt(v));
  const out = [];
  while (x >= 0x80n) { out.push(Number(x & 0x7fn) | 0x80); x >>= 7n; }
  out.push(Number(x));
  return Buffer.from(out);
}

/** `v` as a varint of exactly `n` bytes (padded with continuation bytes; over 10 is invalid). */
export function longVarint(v, n) {
  let x = BigInt.asUintN(64, BigInt(v));
  const out = [];
  for (let i = 0; i < n; i++) { out.push(Number(x & 0x7fn) | (i < n - 1 ? 0x80 : 0)); x >>= 7n; }
  return Buffer.from(out);
}

/** The bytes of a message. */
export function encode(fields) {
  const parts = [];
  for (const f of fields) {
    parts.push(f.tag ?? varintBytes((BigInt(f.num) << 3n) | BigInt(f.type)));
    if (f.type === 0) parts.push(f.raw ?? varintBytes(f.value));
    else if (f.type === 2) {
      const body = Array.isArray(f.value) ? encode(f.value) : typeof f.value === "string" ? Buffer.from(f.value) : f.value;
      parts.push(f.raw ?? varintBytes(Math.max(0, body.length + (f.lengthDelta ?? 0))), body);
    } else if (f.value) parts.push(f.value); // fixed32/64, or what follows a group or an unused wire type
  }
  return Buffer.concat(parts);
}

const field = (num, type, value) => ({ num, type, value });
const text = (num, s) => field(num, 2, s);

// ---- Realistic replies -----------------------------------------------------------------------

const HORD_MISSING = "Unable to fetch key k - nil value returned from database";
const TEXTS = ["OK", "é", "😀", "\u0000", "<&>", "\u2028", "ключ", "键", "🔑 key", "a b", "x".repeat(300), "Error Parsing Input", "boom", "\ufeff"];

/** Any text: ASCII, other scripts, emoji, controls (surrogates only in pairs). */
function anyText(r, max = 12) {
  const how = r.int(3);
  if (how === 0) return r.pick(TEXTS);
  if (how === 1) return "key-" + r.int(1000);
  return String.fromCodePoint(...Array.from({ length: r.int(max) }, () => {
    const c = r.int(r.pick([0x80, 0x800, 0x3000, 0x110000]));
    return c >= 0xd800 && c < 0xe000 ? 0x41 : c;
  }));
}

/** `n` bytes from the seed, quickly (values run to 1 MiB). */
function bytesOf(r, n) {
  const b = Buffer.allocUnsafe(n);
  let x = (r.int(2 ** 32) | 1) >>> 0;
  for (let i = 0; i < n; i++) { x ^= x << 13; x ^= x >>> 17; x ^= x << 5; b[i] = x & 0xff; }
  return b;
}

/** A value's size: mostly small, some around the 64 KiB line where replies get a buffer of their own, now and then 1 MiB. */
function size(r) {
  const p = r.next();
  if (p < 0.5) return r.int(17);
  if (p < 0.85) return r.int(401);
  if (p < 0.97) return r.int(8193);
  if (p < 0.999) return 60000 + r.int(42400);
  return (1 << 20) + r.int(3) - 1;
}

/** A Status as Tarmac writes it (proto3 leaves a 0 code and an empty text out). */
function status(r, op) {
  const code = r.chance(0.7) ? 200 : r.pick(op === "exec" ? [206, 206, 400, 500] : op === "get" ? [404, 404, 400, 500, 503, 201, 302] : [404, 400, 500, 503, 201, 302]);
  let message = code === 200 ? "OK" : r.pick(TEXTS);
  if (code === 404) message = r.chance(0.6) ? HORD_MISSING : r.pick(["Unable to fetch key k - unable to fetch data from Redis", "Unable to delete key", "boom"]);
  if (code === 206) message = r.pick(["Unable to get last insert ID - LastInsertId is not supported by this driver", "Unable to get rows affected - driver: RowsAffected not supported"]);
  const st = [];
  if (code) st.push(field(1, 0, code));
  if (message && r.chance(0.95)) st.push(text(2, message));
  return { code, message, fields: field(1, 2, st) };
}

const HEADER_NAMES = ["content-type", "set-cookie", "x-n", "x-ключ", "accept", "", "x-😀", "vary"];
const HEADER_VALUES = ["text/plain", "a=1; Path=/", "b=2", "", "✓ ok", "x".repeat(200), "gzip"];

/** A header map entry: main's map<string, Header> (`values`) or v0.10.0's map<string, string>. */
function headerEntry(r, values) {
  const name = r.chance(0.8) ? r.pick(HEADER_NAMES) : anyText(r).toLowerCase();
  const list = Array.from({ length: values ? r.int(4) : 1 }, () => r.pick(HEADER_VALUES));
  const entry = [];
  if (name) entry.push(text(1, name));
  if (values) { if (list.length || r.chance(0.5)) entry.push(field(2, 2, list.map((v) => text(1, v)))); }
  else if (list[0]) entry.push(text(2, list[0]));
  return field(3, 2, entry);
}

/**
 * A realistic reply for `op`: { message, code, text } (the message as fields; `code` and
 * `text` its status). `headerValues`: the host is main (headers as Header messages).
 */
function realistic(r, op, { headerValues = false, base64Columns = false } = {}) {
  const st = status(r, op);
  const m = [st.fields];
  if (op === "get") { const n = size(r); if (n) m.push(field(2, 2, bytesOf(r, n))); }
  if (op === "keys") for (let i = r.chance(0.02) ? 500 : r.int(7); i > 0; i--) m.push(text(2, anyText(r)));
  if (op === "query") {
    for (let i = r.int(5); i > 0; i--) m.push(text(4, r.pick(["id", "name", "n", "Ü", "列", ""]) || anyText(r)));
    const rows = rowsJson(r, base64Columns);
    if (rows.length) m.push(field(5, 2, rows));
  }
  if (op === "exec") {
    const count = () => r.pick([0, 1, 3, 7, 1000, 2 ** 31, 2 ** 53, -1, 9223372036854775807n, -9223372036854775808n]);
    const id = count(), rows = count();
    if (id !== 0) m.push(field(2, 0, id));
    if (rows !== 0) m.push(field(3, 0, rows));
  }
  if (op === "http") {
    const code = r.pick([200, 200, 201, 204, 301, 404, 500, 0, 999]);
    if (code) m.push(field(2, 0, code));
    const other = r.chance(0.1); // the other Tarmac's header encoding
    for (let i = r.int(6); i > 0; i--) m.push(headerEntry(r, other ? !headerValues : headerValues));
    const n = size(r);
    if (n) m.push(field(4, 2, bytesOf(r, n)));
  }
  if (op === "counter") return { message: [text(1, bytesOf(r, r.int(20)))], code: st.code, text: st.message };
  return { message: m, code: st.code, text: st.message };
}

// ---- Mutations -------------------------------------------------------------------------------

const HUGE = [2n ** 63n, 2n ** 64n - 1n, -1n, 2n ** 32n + 200n, 2n ** 32n + 404n, 2n ** 31n, -200n, 0n, 0xffffffff00000000n + 200n, 2n ** 35n - 1n, 1000n, 999n];
const CODES = [0, -1, 99, 100, 599, 600, 2 ** 31, -(2 ** 31), 404, 400, 206, 200, 201, 302, 2 ** 32 + 200];
const UNKNOWN_NUMBERS = [3, 5, 6, 7, 8, 15, 16, 100, 2 ** 29 - 1, 2 ** 29, 0, 1000000, 2 ** 32];
const BAD_UTF8 = Object.values(INVALID_UTF8), GOOD_UTF8 = Object.values(VALID_UTF8_EDGES);

// Every field of a message and its nested messages: [parent list, index].
function slots(m, out = []) {
  m.forEach((f, i) => {
    out.push([m, i]);
    if (f.type === 2 && Array.isArray(f.value)) slots(f.value, out);
  });
  return out;
}
// Every message: the top one and each nested one.
function messages(m, out = [m]) {
  for (const f of m) if (f.type === 2 && Array.isArray(f.value)) messages(f.value, out);
  return out;
}
const clone = (f) => ({ ...f, value: Array.isArray(f.value) ? f.value.map(clone) : f.value });

/** A value of wire type `type`: a varint, 8 or 4 bytes, bytes, a group's body, or nothing. */
function valueOf(r, type, num) {
  if (type === 0) return r.pick([0, 1, 200, 404, 2 ** 40, -1, 2n ** 64n - 1n]);
  if (type === 1) return bytesOf(r, 8);
  if (type === 5) return bytesOf(r, 4);
  if (type === 2) return r.chance(0.5) ? bytesOf(r, r.int(12)) : r.pick(TEXTS);
  // A group: a field or two, then (usually) its end tag.
  if (type === 3) return Buffer.concat([varintBytes(8), varintBytes(r.int(300)), r.chance(0.8) ? varintBytes((BigInt(num) << 3n) | 4n) : Buffer.alloc(0)]);
  return r.chance(0.5) ? Buffer.alloc(0) : bytesOf(r, r.int(4));
}

/** Mutations of the message, in place; returns the names of those applied. */
function mutateMessage(r, m) {
  const pickSlot = () => { const s = slots(m); return s.length ? r.pick(s) : null; };
  const ops = {
    // A known (or any) field with another wire type.
    wrongWireType: () => { const s = pickSlot(); if (s) { const f = s[0][s[1]]; const type = r.pick([0, 1, 2, 5].filter((t) => t !== f.type)); s[0][s[1]] = { num: f.num, type, value: valueOf(r, type, f.num) }; } },
    // Huge, negative or 64-bit varints.
    hugeVarint: () => { const s = pickSlot(); if (s) s[0][s[1]] = { num: s[0][s[1]].num, type: 0, value: r.pick(HUGE) }; },
    // Over-long varints and tags (valid up to 10 bytes), and a 10th byte over 1.
    longVarint: () => {
      const s = pickSlot(); if (!s) return;
      const f = s[0][s[1]];
      const n = 2 + r.int(10);
      if (f.type === 0 && r.chance(0.6)) f.raw = r.chance(0.2) ? Buffer.concat([longVarint(f.value, 9), Buffer.from([2 + r.int(126)])]) : longVarint(f.value, n);
      else f.tag = longVarint((BigInt(f.num) << 3n) | BigInt(f.type), n);
    },
    // A length past the end of its message, or short of it.
    badLength: () => { const s = pickSlot(); if (s && s[0][s[1]].type === 2) s[0][s[1]].lengthDelta = r.pick([1, 2, 7, 1000, 2 ** 31, -1, -2]); },
    // Garbage inside a nested message, or in place of one.
    nestedGarbage: () => {
      const nested = messages(m).slice(1);
      if (nested.length && r.chance(0.6)) { const n = r.pick(nested); n.splice(r.int(n.length + 1), 0, { num: r.pick([1, 2, 3, 9]), type: r.pick([0, 1, 2, 5, 3, 7]), value: bytesOf(r, r.int(6)) }); }
      else { const s = pickSlot(); if (s && s[0][s[1]].type === 2) s[0][s[1]].value = bytesOf(r, r.int(16)); }
    },
    // Invalid UTF-8 (or UTF-8 at its edges) inside a string or bytes.
    utf8: () => {
      const s = pickSlot(); if (!s) return;
      const f = s[0][s[1]];
      if (f.type !== 2 || Array.isArray(f.value)) return;
      const b = Buffer.from(f.value);
      const at = r.int(b.length + 1);
      f.value = Buffer.concat([b.subarray(0, at), Buffer.from(r.chance(0.75) ? r.pick(BAD_UTF8) : r.pick(GOOD_UTF8)), b.subarray(at)]);
    },
    // A field twice (the same or with another value).
    duplicate: () => { const s = pickSlot(); if (s) { const copy = clone(s[0][s[1]]); if (copy.type === 0 && r.chance(0.5)) copy.value = r.pick(CODES); s[0].splice(r.int(s[0].length + 1), 0, copy); } },
    // Unknown fields of every wire type, groups too, and field numbers 0 and past 2^29 - 1.
    unknownField: () => { const target = r.pick(messages(m)); const num = r.pick(UNKNOWN_NUMBERS); const type = r.int(8); target.splice(r.int(target.length + 1), 0, { num, type, value: valueOf(r, type, num) }); },
    // A field left out.
    remove: () => { const s = pickSlot(); if (s) s[0].splice(s[1], 1); },
    // Fields in another order.
    shuffle: () => { const target = r.pick(messages(m)); for (let i = target.length - 1; i > 0; i--) { const j = r.int(i + 1); [target[i], target[j]] = [target[j], target[i]]; } },
    // Another status code.
    statusCode: () => { const st = m.find((f) => f.num === 1 && Array.isArray(f.value)); if (st) { const c = st.value.find((f) => f.num === 1 && f.type === 0); if (c) c.value = r.pick(CODES); else st.value.push(field(1, 0, r.pick(CODES))); } },
    // An empty string or bytes field, written out (proto3 would leave it out).
    emptyField: () => { const target = r.pick(messages(m)); target.push(field(r.pick([1, 2, 3, 4, 5]), 2, Buffer.alloc(0))); },
  };
  const applied = [];
  for (let i = r.chance(0.35) ? 0 : 1 + r.int(3); i > 0; i--) { const name = r.pick(Object.keys(ops)); ops[name](); applied.push(name); }
  return applied;
}

/** Mutations of the bytes: { bytes, applied }. */
function mutateBytes(r, bytes) {
  const ops = {
    truncate: () => { bytes = bytes.subarray(0, r.int(bytes.length + 1)); },
    flipBit: () => { if (bytes.length) { const i = r.int(bytes.length); bytes = Buffer.from(bytes); bytes[i] ^= 1 << r.int(8); } },
    insertByte: () => { const i = r.int(bytes.length + 1); bytes = Buffer.concat([bytes.subarray(0, i), Buffer.from([r.pick([0x00, 0x08, 0x0a, 0x0b, 0x0c, 0x0e, 0x0f, 0x80, 0xff, 0x12, 0x7f, r.int(256)])]), bytes.subarray(i)]); },
    removeBytes: () => { const i = r.int(bytes.length + 1), n = 1 + r.int(8); bytes = Buffer.concat([bytes.subarray(0, i), bytes.subarray(i + n)]); },
    appendGarbage: () => { bytes = Buffer.concat([bytes, bytesOf(r, 1 + r.int(6))]); },
  };
  const applied = [];
  for (let i = r.chance(0.7) ? 0 : 1 + r.int(2); i > 0; i--) { const name = r.pick(Object.keys(ops)); ops[name](); applied.push(name); }
  return { bytes, applied };
}

/** Every mutation the generators apply, by name. */
export const MUTATIONS = ["wrongWireType", "hugeVarint", "longVarint", "badLength", "nestedGarbage", "utf8", "duplicate", "unknownField", "remove", "shuffle", "statusCode", "emptyField",
  "truncate", "flipBit", "insertByte", "removeBytes", "appendGarbage", "emptyBody"];

const ERRORS = ["callback not found", "boom", "", "Unable to fetch key k - nil value returned from database", "metric name in use", "invalid metric name", "invalid action"];

/**
 * A hostile reply for `op`: { ok, error, body, mutations } (the names of the mutations applied).
 * Tarmac fails a call whose status is not 200, with the status text as the error; sometimes the
 * two disagree, or the body is empty.
 */
export function hostileReply(r, op, options = {}) {
  const base = realistic(r, op, options);
  const mutations = op === "counter" ? [] : mutateMessage(r, base.message);
  let body;
  if (r.chance(0.03)) { body = Buffer.alloc(0); mutations.push("emptyBody"); }
  else { const m = mutateBytes(r, encode(base.message)); body = m.bytes; mutations.push(...m.applied); }
  const ok = r.chance(0.85) ? base.code === 200 || (base.code === 0 && r.chance(0.5)) : r.chance(0.5);
  let error = ok ? "" : r.chance(0.6) ? base.text : r.pick(ERRORS);
  // An empty failed exec with `callback not found` is a Tarmac without exec: the instance would
  // then send every later exec through query (sql.ts), so the fuzzer leaves it to the unit tests.
  if (op === "exec" && !ok && body.length === 0 && error === "callback not found") error = "unable to unmarshal database:exec request";
  return { ok, error, body, mutations };
}

// ---- Running -------------------------------------------------------------------------------

/**
 * The guests the protobuf fuzzer calls: kv-probe and caps-probe built for protobuf on a main
 * host, and caps-probe on a v0.10.0 host (one value per header). Each HTTP instance has made its
 * once-per-instance probe of the host's header encoding already.
 */
export async function protoGuests() {
  const { probe, caps } = wireGuests("protobuf");
  const { guest: kv } = await probeInstance({ profile: "main" }, probe);
  const { guest: capsMain } = await probeInstance({ profile: "main" }, caps);
  const { guest: capsOld } = await probeInstance({ profile: "v0.10.0" }, caps);
  const ok = { ok: true, body: encode([field(1, 2, [field(1, 0, 200), text(2, "OK")])]) };
  for (const g of [kv, capsMain, capsOld]) g.recordHostCalls = false;
  for (const g of [capsMain, capsOld]) {
    g.intercept = (c) => (c.payload.includes(Buffer.from("127.0.0.1")) ? ok : undefined); // the probe goes to the host
    g.call(HTTP_REQUEST);
    g.intercept = null;
  }
  kv.host.store.set("good", Buffer.from("good"));
  return { kv, capsMain, capsOld };
}

const HTTP_REQUEST = httpValuesRequest("GET", "http://127.0.0.1:9/x");
const KV = { get: request(Op.GET, "k"), set: request(Op.SET, "k", Buffer.from("v")), delete: request(Op.DELETE, "k"), keys: request(Op.KEYS) };
const NEXT_KV = request(Op.GET, "good"), NEXT_CAPS = capsRequest(CapsOp.COUNTER, "ok_after");
/** How a query's answer is read: its columns and row count (queryResult) or its rows' values, for sql or mysql. */
export const QUERY_VIEWS = ["columns", "mysqlColumns", "rows", "mysqlRows"];
const OPS = ["get", "get", "set", "delete", "keys", "keys", "query", "query", "exec", "http", "http", "http", "counter"];

/**
 * One call: the guest, its request, the ordinary call that follows, and the reference's options.
 * `headerValues`: http on the main host (else v0.10.0); `view`: one of QUERY_VIEWS.
 */
function planFor(guests, op, { headerValues = true, view = "columns" } = {}) {
  if (KV[op]) return { op, name: op, guest: guests.kv, req: KV[op], next: NEXT_KV, options: {} };
  const base = { op, name: op, guest: guests.capsMain, next: NEXT_CAPS, options: {} };
  if (op === "counter") return { ...base, req: capsRequest(CapsOp.COUNTER, "fuzz_counter") };
  if (op === "exec") return { ...base, req: capsRequest(CapsOp.SQL_EXEC, "DELETE FROM t") };
  if (op === "http") return { ...base, name: `http (${headerValues ? "main" : "v0.10.0"})`, guest: headerValues ? guests.capsMain : guests.capsOld, req: HTTP_REQUEST, options: { headerValues } };
  const mysql = view.startsWith("mysql");
  const req = capsRequest(view.endsWith("olumns") ? (mysql ? CapsOp.MYSQL_COLUMNS : CapsOp.SQL_COLUMNS) : mysql ? CapsOp.MYSQL : CapsOp.SQL, "SELECT 1");
  return { ...base, name: `query (${view})`, req, view, options: { base64Columns: mysql } };
}

const split = (joined) => joined.split("\0").slice(0, -1); // names or values, each ended by a 0 byte
const joinSplit = (list) => split(list.map((v) => v + "\0").join(""));
const u32 = (b, at) => b.readUInt32LE(at);

/** The value in the probe's answer (its `rest`), in the form `referenceValue` gives. */
function probeValue(p, rest) {
  switch (p.op) {
    case "get": return Buffer.from(rest);
    case "keys": {
      const keys = [];
      let at = 4;
      for (let n = u32(rest, 0); n > 0; n--) { const len = u32(rest, at); keys.push(rest.subarray(at + 4, at + 4 + len).toString()); at += 4 + len; }
      return keys;
    }
    case "query": return p.view.endsWith("olumns") ? { inOrder: rest[0] === 1, rows: u32(rest, 1), columns: split(rest.subarray(5).toString()) } : { rows: JSON.parse(rest.toString()) };
    case "exec": return { rowsAffected: rest.readBigInt64LE(0), lastInsertId: rest.readBigInt64LE(8), hasRowsAffected: rest[16] === 1, hasLastInsertId: rest[17] === 1 };
    case "http": {
      const headers = [];
      let at = 8;
      for (let n = u32(rest, 4); n > 0; n--) {
        const nl = u32(rest, at); const name = rest.subarray(at + 4, at + 4 + nl).toString(); at += 4 + nl;
        const vl = u32(rest, at); headers.push([name, split(rest.subarray(at + 4, at + 4 + vl).toString())]); at += 4 + vl;
      }
      return { status: u32(rest, 0), headers: headers.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)), body: Buffer.from(rest.subarray(at)) };
    }
    default: return undefined;
  }
}

/** The reference's value, as the probe reports it for this call. */
function referenceValue(p, value) {
  if (value === undefined) return undefined;
  if (p.op === "query") return p.view.endsWith("olumns") ? { inOrder: true, rows: value.rows.length, columns: joinSplit(value.columns) } : { rows: value.rows };
  if (p.op === "http") return { ...value, headers: value.headers.map(([name, values]) => [name, joinSplit(values)]) };
  return value;
}

/** Sends `reply` for the planned call: { trap } or { kind, message, value }, and the reference's { kind, value }. */
function ask(p, reply) {
  p.guest.intercept = () => reply;
  const res = p.guest.call(p.req);
  p.guest.intercept = null;
  const ref = expectedProto(p.op, reply, p.options);
  const want = ref.kind === Kind.OK && ref.value !== undefined ? { kind: ref.kind, value: referenceValue(p, ref.value) } : { kind: ref.kind };
  if (!res.ok) return { trap: res.error, want };
  const { kind, message, rest } = decode(res.body);
  return { kind, message, value: kind === Kind.OK ? probeValue(p, rest) : undefined, want };
}

/**
 * One protobuf reply { ok, error, body } answered to `op` by the guests of `protoGuests()`
 * (options: `headerValues`, `view`, as planFor): what the guest answered ({ trap } if it
 * trapped; else { kind, message, value }), what the reference wants (`want`), and whether the
 * same instance then served an ordinary call (`recovered`).
 */
export function askProto(guests, op, reply, options) {
  const p = planFor(guests, op, options);
  const answer = ask(p, reply);
  const next = p.guest.call(p.next);
  return { ...answer, recovered: next.ok && decode(next.body).kind === Kind.OK };
}

const show = (v) => JSON.stringify(v, (_, x) => (typeof x === "bigint" ? String(x) : x?.type === "Buffer" ? `<${x.data.length} bytes>` : x))?.slice(0, 400);

/**
 * Runs `cases` hostile protobuf replies on the guests of `protoGuests()`; returns counts (by
 * kind, and by operation) and the first failures. Case i uses seed + i.
 */
export function runHostileProto(guests, { cases, seed }) {
  const counts = { cases: 0, traps: 0, wrong: 0, recovered: 0, byKind: {}, byOp: {} };
  const failures = [];
  for (let i = 0; i < cases; i++) {
    const r = rng(seed + i);
    const op = r.pick(OPS);
    const p = planFor(guests, op, { headerValues: r.chance(0.5), view: r.pick(QUERY_VIEWS) });
    const reply = hostileReply(r, op, p.options);
    const a = ask(p, reply);
    counts.cases++;
    const describe = () => ({ seed: seed + i, op: p.name, mutations: reply.mutations.join(","), ok: reply.ok, error: reply.error, body: reply.body.length > 300 ? reply.body.subarray(0, 300).toString("hex") + `... (${reply.body.length} bytes)` : reply.body.toString("hex") });
    if (a.trap !== undefined) {
      counts.traps++;
      if (failures.length < 5) failures.push({ ...describe(), got: `trap: ${a.trap}` });
    } else {
      const kind = kindName(a.kind);
      counts.byKind[kind] = (counts.byKind[kind] ?? 0) + 1;
      const byOp = (counts.byOp[p.name] ??= {});
      byOp[kind] = (byOp[kind] ?? 0) + 1;
      if (a.kind !== a.want.kind || !isDeepStrictEqual(a.value, a.want.value)) {
        counts.wrong++;
        if (failures.length < 5) failures.push({ ...describe(), got: `${kind} ${a.message} ${show(a.value)}`, want: `${kindName(a.want.kind)} ${show(a.want.value)}` });
      }
    }
    // The same instance serves the next ordinary call.
    const next = p.guest.call(p.next);
    if (next.ok && decode(next.body).kind === Kind.OK) counts.recovered++;
  }
  return { counts, failures };
}
