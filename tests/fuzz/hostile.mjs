// Hostile host replies: realistic Tarmac replies, then mutated (truncated, bytes flipped or
// inserted, wrong types, huge and negative numbers, numbers with leading zeros, deep nesting,
// invalid UTF-8 (overlong, surrogates, above U+10FFFF) inside strings and anywhere, broken
// base64), sent to a compiled guest for every key:value operation. Each answer is compared with
// tests/fuzz/reference.mjs; a trap, or an answer that differs, is counted.
import { expected } from "./reference.mjs";
import { goMarshal } from "../../host/engine/go-json.mjs";
import { Op, request, decode, Kind, kindName } from "../probe.mjs";
import { INVALID_UTF8, withLeadingZero, insertAfterQuote, utf8Edge } from "./bad-text.mjs";

/** A small seeded PRNG (mulberry32), so every case can be replayed from its seed. */
export function rng(seed) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n) => Math.floor(next() * n);
  const pick = (xs) => xs[int(xs.length)];
  const bytes = (n) => Buffer.from(Array.from({ length: n }, () => int(256)));
  return { next, int, pick, bytes, chance: (p) => next() < p };
}

const OPS = ["get", "set", "delete", "keys"];
const STRANGE_TEXT = ["", "OK", "é", "😀", "\u0000", "\"\\", "<&>", "\u2028", "\ud800", "x".repeat(300)];
const WRONG_VALUES = [0, -1, 1e400, -5, 99999999999, 2.5e2, 200.5, true, false, null, "200", "", [], {}, [1, "a"], { code: 200 }];
// A fresh copy each time: a mutation must never change the list itself.
const wrong = (r) => structuredClone(r.pick(WRONG_VALUES));
const BAD_UTF8 = Object.values(INVALID_UTF8);

function key(r) {
  return r.pick([() => "k", () => r.pick(STRANGE_TEXT), () => String.fromCharCode(...Array.from({ length: r.int(12) }, () => r.int(0x3000))), () => "key-" + r.int(1000)])();
}

/** A realistic reply for op, as an object (serialized later). */
function base(r, op) {
  const code = r.chance(0.7) ? 200 : r.pick([404, 400, 500, 503, 201, 302]);
  // A 404 carries hord's message for a missing key half the time, so the cases reach NotFound often.
  const missing = "Unable to fetch key k - nil value returned from database";
  const status = { code, status: code === 200 ? "OK" : code === 404 && r.chance(0.5) ? missing : r.pick([missing, "Error Parsing Input", "boom", ...STRANGE_TEXT]) };
  if (op === "get") {
    const size = r.chance(0.01) ? 65536 + r.int(20000) : r.int(r.chance(0.5) ? 8 : 400);
    const data = r.bytes(size).toString("base64");
    return r.chance(0.5) ? { status, data } : { data, status };
  }
  if (op === "keys") {
    const keys = r.chance(0.2) ? null : Array.from({ length: r.int(6) }, () => key(r));
    return r.chance(0.5) ? { keys, status } : { status, keys };
  }
  return { status };
}

function nest(r, depth) {
  let s = r.pick(["1", "\"x\"", "null", "[]", "{}"]);
  for (let i = 0; i < depth; i++) s = r.chance(0.5) ? `[${s}]` : `{"a":${s}}`;
  return s;
}

/** Mutations on the reply object, then on its bytes. */
export function mutate(r, obj) {
  const o = JSON.parse(JSON.stringify(obj));
  const fields = () => Object.keys(o);
  const treeOps = [
    () => { const f = r.pick(fields()); if (f) o[f] = wrong(r); },
    () => { if (o.status && typeof o.status === "object") o.status[r.pick(["code", "status"])] = wrong(r); },
    () => { if (o.status && typeof o.status === "object") o.status.code = r.pick([0, -200, 99, 600, 2147483648, -2147483649, 404, 400, 200, 1e18]); },
    () => { delete o[r.pick(fields())]; },
    () => { if (o.status && typeof o.status === "object") delete o.status[r.pick(["code", "status"])]; },
    () => { if (typeof o.data === "string") o.data = breakBase64(r, o.data); },
    () => { if (Array.isArray(o.keys)) o.keys.push(wrong(r)); },
    () => { o[r.pick(["extra", "Data", "STATUS", "keys", "data", "x"])] = wrong(r); },
  ];
  for (let i = r.int(3); i > 0; i--) r.pick(treeOps)();
  let text = goMarshal(o);
  // Text-level: case-changed or escaped names, deep nesting, escapes inside data.
  if (r.chance(0.1)) text = text.replace(/"(status|data|keys|code)"/, (m, n) => `"${r.chance(0.5) ? n.toUpperCase() : n.replace(/a/, "\\u0061")}"`);
  if (r.chance(0.05)) text = text.replace(/^\{/, `{"deep":${nest(r, 120 + r.int(20))},`);
  if (r.chance(0.05)) text = text.replace(/"data":"([A-Za-z0-9+]*)/, (m, d) => `"data":"${d.replace(/A/g, "\\u0041")}`);
  if (r.chance(0.05)) text = text.replace(/:/g, () => (r.chance(0.3) ? " : " : ":"));
  // Numbers with a leading zero (`"code":0200`, `-01`, `00`), which JSON does not allow.
  if (r.chance(0.06)) text = withLeadingZero(r, text);
  let bytes = Buffer.from(text);
  // Overlong, surrogate, out-of-range or cut-short UTF-8 (or valid UTF-8 at its edges) inside a string.
  if (r.chance(0.08)) bytes = insertAfterQuote(r, bytes, utf8Edge(r));
  const byteOps = [
    () => { bytes = bytes.subarray(0, r.int(bytes.length + 1)); },
    () => { if (bytes.length) { const i = r.int(bytes.length); bytes = Buffer.from(bytes); bytes[i] ^= 1 << r.int(8); } },
    () => { const i = r.int(bytes.length + 1); bytes = Buffer.concat([bytes.subarray(0, i), Buffer.from(r.pick(BAD_UTF8)), bytes.subarray(i)]); },
    () => { const i = r.int(bytes.length + 1); bytes = Buffer.concat([bytes.subarray(0, i), Buffer.from([r.pick([34, 92, 44, 58, 123, 125, 91, 93, 0, 32, 10, 48, 45, 101, 46])]), bytes.subarray(i)]); },
    () => { const i = r.int(bytes.length + 1), n = r.int(8); bytes = Buffer.concat([bytes.subarray(0, i), bytes.subarray(i + n)]); },
    () => { bytes = Buffer.concat([bytes, Buffer.from(r.pick([" ", "\n", "x", "}", ",", "{}"]))]); },
  ];
  for (let i = r.chance(0.6) ? 0 : 1 + r.int(2); i > 0; i--) r.pick(byteOps)();
  return bytes;
}

function breakBase64(r, d) {
  return r.pick([
    () => d.replace(/=+$/, ""), () => d + "=", () => " " + d, () => d + "\n", () => d.replace(/.$/, "@"),
    () => d.slice(0, Math.max(0, d.length - 1)), () => "====", () => d + d, () => d.replace(/[A-Z]/, "é"), () => d + "AB==",
  ])();
}

/**
 * Runs `cases` hostile replies on one guest instance (a probe); returns counts and the first
 * failures. `seed` fixes every case; case i uses seed + i, so any case replays alone.
 */
export function runHostile(guest, { cases, seed }) {
  const probe = { get: Op.GET, set: Op.SET, delete: Op.DELETE, keys: Op.KEYS };
  const counts = { cases: 0, traps: 0, wrong: 0, recovered: 0, byKind: {} };
  const failures = [];
  guest.host.store.set("good", Buffer.from("good"));
  for (let i = 0; i < cases; i++) {
    const r = rng(seed + i);
    const op = r.pick(OPS);
    const body = mutate(r, base(r, op));
    const ok = r.chance(0.8) ? true : false;
    const error = ok ? "" : r.pick(["callback not found", "boom", "Unable to fetch key", ""]);
    const reply = { ok, error, body: r.chance(0.03) ? Buffer.alloc(0) : body };
    guest.intercept = () => reply;
    const res = guest.call(request(probe[op], "k", Buffer.from("v")));
    guest.intercept = null;
    counts.cases++;
    const want = expected(op, reply);
    if (!res.ok) {
      counts.traps++;
      if (failures.length < 5) failures.push({ seed: seed + i, op, reply: describe(reply), got: res.error });
    } else {
      const got = decode(res.body);
      let value = null;
      if (got.kind === Kind.OK && op === "get") value = Buffer.from(got.rest);
      if (got.kind === Kind.OK && op === "keys") {
        value = [];
        let p = 4;
        for (let n = got.rest.readUInt32LE(0); n > 0; n--) { const len = got.rest.readUInt32LE(p); value.push(got.rest.subarray(p + 4, p + 4 + len).toString()); p += 4 + len; }
      }
      const same = got.kind === want.kind && (want.kind !== Kind.OK || op === "set" || op === "delete"
        || (op === "get" ? value.equals(want.value) : JSON.stringify(value) === JSON.stringify(want.value)));
      counts.byKind[kindName(got.kind)] = (counts.byKind[kindName(got.kind)] ?? 0) + 1;
      if (!same) {
        counts.wrong++;
        if (failures.length < 5) failures.push({ seed: seed + i, op, reply: describe(reply), got: `${kindName(got.kind)} ${got.message}`, want: kindName(want.kind) });
      }
    }
    // The same instance serves the next ordinary call.
    const next = guest.call(request(Op.GET, "good"));
    if (next.ok && decode(next.body).kind === Kind.OK) counts.recovered++;
  }
  return { counts, failures };
}

function describe({ ok, error, body }) {
  return { ok, error, body: body.length > 300 ? body.subarray(0, 300).toString("latin1") + `... (${body.length} bytes)` : body.toString("latin1") };
}
