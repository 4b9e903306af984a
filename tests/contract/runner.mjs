// Runs the conformance cases against a host and checks every answer; records the host calls
// they make, and replays recordings through the test host. `send(bytes)` delivers one kv-probe request to the host (a test
// host instance, or real Tarmac over HTTP) and resolves to the response bytes.
import assert from "node:assert/strict";
import { request, decode, Op, Kind, kindName } from "../probe.mjs";
import { TarmacHost } from "../../host/engine/tarmac-host.mjs";
import { MemoryStore } from "../../host/engine/kvstore.mjs";
import { createHash } from "node:crypto";
import { wireGuests } from "../guests.mjs";
import { CASES, isNats } from "./cases.mjs";
import { execResult, columnsResult, httpResult } from "../caps.mjs";
import { parseProto, encodeProto } from "../../host/engine/protowire.mjs";

const RECORDED = 20;

/** Sends `req` to the guest recorded (tests/guests/recording.ts): resolves to decodeRecorded's { inner, exchanges }. */
export async function sendRecorded(target, req) {
  return decodeRecorded((await target.send(Buffer.concat([Buffer.from([RECORDED]), req]))).body);
}

/** Decodes a RECORDED answer: { inner: Buffer, exchanges: [{ namespace, operation, request, ok, reply, error }] }. */
export function decodeRecorded(body) {
  const n = body.readUInt32LE(0);
  const inner = body.subarray(4, 4 + n);
  const exchanges = [];
  let p = 4 + n;
  const take = (len) => { const b = body.subarray(p, p + len); p += len; return b; };
  while (p < body.length) {
    const namespace = take(body[p++]).toString();
    const operation = take(body[p++]).toString();
    const req = Buffer.from(take(body.readUInt32LE((p += 4) - 4)));
    const ok = body[p++] === 1;
    const reply = Buffer.from(take(body.readUInt32LE((p += 4) - 4)));
    const error = take(body.readUInt32LE((p += 4) - 4)).toString();
    exchanges.push({ namespace, operation, request: req, ok, reply, error });
  }
  return { inner, exchanges };
}

/** The keys in a probe KEYS answer. */
function keysOf(rest) {
  const keys = [];
  let p = 4;
  for (let i = rest.readUInt32LE(0); i > 0; i--) {
    const len = rest.readUInt32LE(p);
    keys.push(rest.subarray(p + 4, p + 4 + len).toString());
    p += 4 + len;
  }
  return keys;
}

/**
 * Empties the store through the SDK (not recorded): keys, then a delete for each.
 * `target.send(bytes)` resolves to { status, body }, the HTTP answer to one request.
 */
async function emptyStore(target) {
  const answer = async (req) => { const r = await target.send(req); assert.equal(r.status, 200); return decode(r.body); };
  const d = await answer(request(Op.KEYS));
  assert.equal(d.kind, Kind.OK, `keys before the case: ${d.message}`);
  for (const key of keysOf(d.rest)) assert.equal((await answer(request(Op.DELETE, key))).kind, Kind.OK);
}

/**
 * Runs one case and checks each step. `target` is { send(bytes) -> { status, body }, metrics()
 * -> the /metrics text }. Resolves to { exchanges: every host call, in order, answers: the HTTP
 * answers of the steps that expect one }.
 */
export async function runCase(target, c, ports = {}, ctx = { wire: "json", profile: "v0.10.0" }) {
  if (c.store) await emptyStore(target);
  const exchanges = [];
  const answers = [];
  // What the guest speaks with this host: auto speaks protobuf on every Tarmac since v0.8.1.
  const on = { ...ctx, protobuf: ctx.wire !== "json" };
  for (const [i, s0] of c.steps.entries()) {
    const where = `${c.name}, step ${i + 1}`;
    if (s0.scrape) {
      assert.match(await target.metrics(), s0.scrape, `${where}: /metrics`);
      continue;
    }
    // An expectation that depends on the wire, the Tarmac version or the store is a function of
    // them (`on`); a step whose `skip(on)` is true is left out there.
    if (s0.skip?.(on)) continue;
    const s = { ...s0, expect: typeof s0.expect === "function" ? s0.expect(on) : s0.expect };
    const req = typeof s.req === "function" ? s.req(ports) : s.req;
    const r = await target.send(Buffer.concat([Buffer.from([RECORDED]), req]));
    if (s.expect.http !== undefined) {
      assert.equal(r.status, s.expect.http, where);
      answers.push({ step: i + 1, status: r.status, body: r.body });
      continue;
    }
    assert.equal(r.status, 200, `${where}: HTTP ${r.status} ${r.body}`);
    const { inner, exchanges: calls } = decodeRecorded(r.body);
    const d = decode(inner);
    assert.equal(kindName(d.kind), kindName(s.expect.kind), `${where}: ${d.message}`);
    if (s.expect.code !== undefined) assert.equal(d.code, s.expect.code, where);
    if (s.expect.message !== undefined) assert.equal(d.message, s.expect.message, where);
    if (s.expect.messageEnd !== undefined) assert.ok(d.message.endsWith(s.expect.messageEnd), `${where}: ${JSON.stringify(d.message)} should end with ${JSON.stringify(s.expect.messageEnd)}`);
    if (s.expect.value !== undefined) assert.ok(d.rest.equals(s.expect.value), `${where}: value of ${d.rest.length} bytes`);
    if (s.expect.keys !== undefined) assert.deepEqual(keysOf(d.rest).sort(), [...s.expect.keys].sort(), where);
    if (s.expect.status !== undefined) assert.equal(d.rest.readUInt32LE(0), s.expect.status, `${where}: upstream status`);
    if (s.expect.exec !== undefined) assert.deepEqual(execResult(d.rest), s.expect.exec, `${where}: exec`);
    if (s.expect.columns !== undefined) assert.deepEqual(columnsResult(d.rest), s.expect.columns, `${where}: columns`);
    if (s.expect.headerValues !== undefined) {
      const { headers } = httpResult(d.rest, true);
      for (const [name, values] of Object.entries(s.expect.headerValues)) assert.deepEqual(headers[name], values, `${where}: values of ${name}`);
    }
    exchanges.push(...calls);
  }
  return { exchanges, answers };
}

/** The test host's SQL driver for each database the cases use. */
const SQL_DRIVERS = { postgres: "postgres", mariadb: "mysql" };

/**
 * A test host of `profile` for the cases of `group`: a key:value store whose empty `keys` is
 * `emptyKeys` (or `store`, a real one), and for an SQL group a connection to that database
 * (`databases[group].config`).
 */
export function testHost({ profile, emptyKeys = null, group, databases = {}, store = null }) {
  const sql = SQL_DRIVERS[group] ? { driver: SQL_DRIVERS[group], config: databases[group].config } : null;
  return new TarmacHost({ profile, store: store ?? new MemoryStore({ emptyKeys }), sql });
}

/** Adds the `function` route the cases with `functions` call: caps-probe as "echo". */
export async function routeEcho(host, wire = "json") {
  if (!host.functions.has("echo")) host.routeFunction("echo", await host.instantiate(wireGuests(wire).caps));
}

/**
 * A test host target for a pool on `host` (`host.pool(wasm, n)`), as Tarmac serves a function:
 * each request on the next instance in turn, which matters where an instance learns something
 * once (the auto wire's probe, a Tarmac without sql exec).
 */
export function testHostPoolTarget(host, pool) {
  return {
    send: async (bytes) => { const r = pool.invoke(bytes); return host.httpAnswer(r.ok ? { ...r, body: r.read() } : r); },
    metrics: async () => host.metrics.exposition(),
  };
}

/** The pool size the recordings were made with (scripts/conformance.mjs: APP_WASM_POOL_SIZE). */
export const RECORDED_POOL = 2;

/** A test host target for `guest` on `host`: HTTP answers as that host's Tarmac version gives them. */
export function testHostTarget(host, guest) {
  return {
    send: async (bytes) => host.httpAnswer(guest.call(bytes)),
    metrics: async () => host.metrics.exposition(),
  };
}

/**
 * What may differ between runs of the same exchange, made equal: the order of `keys` (Go's map
 * order is random), the ports of the local upstream servers, and the upstream's `Date` header.
 * Returns the reply to compare.
 */
function normalizeReply(exchange) {
  if (isProtobuf(exchange.reply)) return normalizeProtoReply(exchange);
  if (exchange.operation === "keys" && exchange.ok) {
    const reply = JSON.parse(exchange.reply.toString());
    if (Array.isArray(reply.keys)) reply.keys.sort();
    return Buffer.from(JSON.stringify(reply));
  }
  if (exchange.namespace === "httpclient") {
    const text = normalizePorts(exchange.reply.toString());
    try {
      const reply = JSON.parse(text);
      if (reply.headers?.date) reply.headers.date = "<date>";
      return Buffer.from(JSON.stringify(reply));
    } catch {
      return Buffer.from(text);
    }
  }
  return exchange.reply;
}

// A protobuf reply starts with its Status (field 1, length-delimited); a JSON one with "{".
const isProtobuf = (b) => b.length > 0 && b[0] === 0x0a;

// The same for a protobuf reply: `keys` (field 2) sorted; the httpclient reply's header entries
// (field 3, a Go map: any order) sorted by name, with the Date header's value masked.
function normalizeProtoReply(exchange) {
  const fields = parseProto(exchange.reply);
  if (!fields) return exchange.reply;
  if (exchange.namespace === "kvstore" && exchange.operation === "keys") fields[2]?.sort(Buffer.compare);
  if (exchange.namespace === "httpclient" && fields[1]) {
    // The status text may name the URL, with its port.
    const st = parseProto(fields[1][0]);
    if (st?.[2]) fields[1] = [encodeProto({ ...st, 2: st[2].map((t) => Buffer.from(normalizePorts(t.toString()))) })];
  }
  if (exchange.namespace === "httpclient" && fields[3]) {
    const entries = fields[3].map((entry) => parseProto(entry));
    if (entries.includes(null)) return exchange.reply; // not a map Tarmac wrote: kept as it came
    fields[3] = entries.map((e) => {
      if (e[1]?.[0]?.toString() !== "date") return e;
      const value = e[2]?.[0];
      // main: a Header message { values: ["<date>"] }; v0.10.0: the text.
      return { ...e, 2: [value && value[0] === 0x0a ? encodeProto({ 1: "<date>" }) : Buffer.from("<date>")] };
    }).sort((a, b) => Buffer.compare(a[1]?.[0] ?? Buffer.alloc(0), b[1]?.[0] ?? Buffer.alloc(0))).map((e) => encodeProto(e));
  }
  return encodeProto(fields);
}

// An httpclient request with the local servers' ports masked in its URL (protobuf: field 3).
function normalizeRequest(e) {
  if (!isProtobuf(e.request) || e.request.length === 0) return Buffer.from(normalizePorts(e.request.toString()));
  const fields = parseProto(e.request);
  if (!fields?.[3]) return e.request;
  fields[3] = fields[3].map((url) => Buffer.from(normalizePorts(url.toString())));
  return encodeProto(fields);
}

// The local servers' ports, which change from run to run.
const normalizePorts = (text) => text.replace(/127\.0\.0\.1:(?!1\b)\d+/g, "127.0.0.1:<port>");

// A body as a recording keeps it: its text when it is short UTF-8 (JSON, and most protobuf),
// its hex when it is short and not UTF-8 (protobuf), else its length, SHA-256 and first 120
// characters.
function encodeBody(buf) {
  const text = buf.toString();
  if (buf.length <= 4096 && Buffer.from(text).equals(buf)) return { text };
  if (buf.length <= 4096) return { hex: buf.toString("hex") };
  return { length: buf.length, sha256: createHash("sha256").update(buf).digest("hex"), head: buf.subarray(0, 120).toString("latin1") };
}

/** One exchange as a recording keeps it (`keys` replies compared sorted). */
function encodeExchange(e) {
  const request = e.namespace === "httpclient" ? normalizeRequest(e) : e.request;
  return { namespace: e.namespace, operation: e.operation, request: encodeBody(request), ok: e.ok, reply: encodeBody(normalizeReply(e)), error: normalizePorts(e.error) };
}

// One recorded or replayed case, as a recording keeps it.
function encodeCase(name, { exchanges, answers }) {
  return { name, exchanges: exchanges.map(encodeExchange), answers: answers.map((a) => ({ step: a.step, status: a.status, body: encodeBody(a.body) })) };
}

/**
 * Replays a recording on the test host: each case runs again, on a test host of the recorded
 * profile whose empty store answers `keys` as the recorded backend did, and every host call must
 * carry the same request and get the same answer as on the real Tarmac, and every HTTP answer
 * recorded must be the same. Returns the differences, readable. A store whose answers differ from
 * the in-memory map's (NATS: `needsServer(recording)`) is replayed on `store`, a real one, empty.
 */
export async function replay(recording, ports, databases, { store = null } = {}) {
  const host = testHost({ profile: recording.profile, emptyKeys: recording.emptyKeys, group: recording.group, databases, store });
  const wire = recording.wire ?? "json";
  const guests = wireGuests(wire);
  const ctx = { wire, profile: recording.profile, store: recording.store };
  const instances = {};
  const differences = [];
  for (const recorded of recording.cases) {
    const c = CASES.find((x) => x.name === recorded.name);
    if (!c) { differences.push(`${recorded.name}: no such case in tests/contract/cases.mjs`); continue; }
    // A pool as the recording's Tarmac had, so each request lands on the instance it did there.
    instances[c.guest] ??= testHostPoolTarget(host, await host.pool(guests[c.guest], RECORDED_POOL));
    if (c.functions) await routeEcho(host, wire);
    const got = encodeCase(c.name, await runCase(instances[c.guest], c, ports, ctx));
    const show = (e) => (e ? `${e.namespace}:${e.operation} ${JSON.stringify(e.request.text ?? e.request.head)} -> ${e.ok ? "ok" : `failed "${e.error}"`} ${JSON.stringify(e.reply.text ?? e.reply)}` : "(no host call)");
    for (let i = 0; i < Math.max(got.exchanges.length, recorded.exchanges.length); i++) {
      const want = recorded.exchanges[i], have = got.exchanges[i];
      if (JSON.stringify(want) !== JSON.stringify(have)) differences.push(`${c.name}, host call ${i + 1}:\n  real Tarmac: ${show(want)}\n  test host:   ${show(have)}`);
    }
    for (let i = 0; i < Math.max(got.answers.length, recorded.answers.length); i++) {
      const want = recorded.answers[i], have = got.answers[i];
      if (JSON.stringify(want) !== JSON.stringify(have)) differences.push(`${c.name}, HTTP answer ${i + 1}:\n  real Tarmac: ${JSON.stringify(want)}\n  test host:   ${JSON.stringify(have)}`);
    }
  }
  await host.close();
  return differences;
}

/** Whether a recording is of a store the in-memory map cannot stand in for (NATS: its key rules). */
export const needsServer = (recording) => isNats(recording.store);

/** A recording as stored in tests/contract/<version>/<store>.json. */
export function toRecording({ tarmac, commit, profile, wire = "json", group, store, emptyKeys, results }) {
  return {
    note: "Host calls of the conformance cases on a real Tarmac, as the guest saw them: request, whether the call succeeded, reply and error text; and the HTTP answers of the steps that expect one. Bodies over 4 KiB are kept as length and SHA-256. Normalised where runs differ: the keys of a `keys` reply are sorted, and the local servers' ports and the upstream's Date header are masked. Made by `npm run conformance -- --record --as <profile>`.",
    tarmac, commit, profile, ...(wire === "json" ? {} : { wire }), group, store, emptyKeys,
    cases: results.map(({ name, result }) => encodeCase(name, result)),
  };
}
