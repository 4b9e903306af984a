// Runs the conformance cases against a host and checks every answer; records the host calls
// they make, and replays recordings through the test host. `send(bytes)` delivers one kv-probe request to the host (a test
// host instance, or real Tarmac over HTTP) and resolves to the response bytes.
import assert from "node:assert/strict";
import { request, decode, Op, Kind, kindName } from "../probe.mjs";
import { TarmacHost } from "../host/tarmac-host.mjs";
import { MemoryStore } from "../host/kvstore.mjs";
import { createHash } from "node:crypto";
import { guests } from "../guests.mjs";
import { CASES } from "./cases.mjs";

const PROBE = guests.probe;

const RECORDED = 20;

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

/** Empties the store through the SDK (not recorded): keys, then a delete for each. */
export async function emptyStore(send) {
  const d = decode(await send(request(Op.KEYS)));
  assert.equal(d.kind, Kind.OK, `keys before the case: ${d.message}`);
  for (const key of keysOf(d.rest)) assert.equal(decode(await send(request(Op.DELETE, key))).kind, Kind.OK);
}

/**
 * Runs one case on an empty store and checks each step; resolves to the host calls it made, in
 * order (each step's, concatenated).
 */
export async function runCase(send, c) {
  await emptyStore(send);
  const exchanges = [];
  for (const [i, s] of c.steps.entries()) {
    const { inner, exchanges: calls } = decodeRecorded(await send(Buffer.concat([Buffer.from([RECORDED]), request(s.op, s.key, s.value ?? Buffer.alloc(0))])));
    const d = decode(inner);
    const where = `${c.name}, step ${i + 1}`;
    assert.equal(kindName(d.kind), kindName(s.expect.kind), `${where}: ${d.message}`);
    if (s.expect.code !== undefined) assert.equal(d.code, s.expect.code, where);
    if (s.expect.message !== undefined) assert.equal(d.message, s.expect.message, where);
    if (s.expect.value !== undefined) assert.ok(d.rest.equals(s.expect.value), `${where}: value of ${d.rest.length} bytes`);
    if (s.expect.keys !== undefined) assert.deepEqual(keysOf(d.rest).sort(), [...s.expect.keys].sort(), where);
    exchanges.push(...calls);
  }
  return exchanges;
}

/**
 * What may differ between runs of the same exchange on a real Tarmac, made equal: the order of
 * `keys` (Go's map order is random). Returns the reply to compare.
 */
export function normalizeReply(exchange) {
  if (exchange.operation !== "keys" || !exchange.ok) return exchange.reply;
  const reply = JSON.parse(exchange.reply.toString());
  if (Array.isArray(reply.keys)) reply.keys.sort();
  return Buffer.from(JSON.stringify(reply));
}

// A body as a recording keeps it: its text when it is short UTF-8 (requests and replies are
// JSON), else its length, SHA-256 and first 120 characters.
function encodeBody(buf) {
  const text = buf.toString();
  if (buf.length <= 4096 && Buffer.from(text).equals(buf)) return { text };
  return { length: buf.length, sha256: createHash("sha256").update(buf).digest("hex"), head: buf.subarray(0, 120).toString("latin1") };
}

/** One exchange as a recording keeps it (`keys` replies compared sorted). */
export function encodeExchange(e) {
  return { namespace: e.namespace, operation: e.operation, request: encodeBody(e.request), ok: e.ok, reply: encodeBody(normalizeReply(e)), error: e.error };
}

/**
 * Replays a recording on the test host: each case runs again, on a test host of the recorded
 * profile whose empty store answers `keys` as the recorded backend did, and every host call must
 * carry the same request and get the same answer as on the real Tarmac. Returns the
 * differences, readable.
 */
export async function replay(recording) {
  const host = new TarmacHost({ profile: recording.profile, store: new MemoryStore({ emptyKeys: recording.emptyKeys }) });
  const guest = await host.instantiate(PROBE);
  guest.recordHostCalls = false;
  const send = async (bytes) => { const r = guest.call(bytes); if (!r.ok) throw new Error(r.error); return r.body; };
  const differences = [];
  for (const recorded of recording.cases) {
    const c = CASES.find((x) => x.name === recorded.name);
    if (!c) { differences.push(`${recorded.name}: no such case in tests/contract/cases.mjs`); continue; }
    const got = (await runCase(send, c)).map(encodeExchange);
    const count = Math.max(got.length, recorded.exchanges.length);
    for (let i = 0; i < count; i++) {
      const want = recorded.exchanges[i], have = got[i];
      if (JSON.stringify(want) === JSON.stringify(have)) continue;
      const show = (e) => (e ? `${e.namespace}:${e.operation} ${JSON.stringify(e.request.text ?? e.request.head)} -> ${e.ok ? "ok" : `failed "${e.error}"`} ${JSON.stringify(e.reply.text ?? e.reply)}` : "(no host call)");
      differences.push(`${c.name}, host call ${i + 1}:\n  real Tarmac: ${show(want)}\n  test host:   ${show(have)}`);
    }
  }
  return differences;
}

/** A recording as stored in tests/contract/recordings/<version>-<store>.json. */
export function toRecording({ tarmac, commit, profile, store, emptyKeys, results }) {
  return {
    note: "Host calls of the conformance cases on a real Tarmac, as the guest saw them: request, whether the call succeeded, reply and error text. Bodies over 4 KiB are kept as length and SHA-256. Normalised where Tarmac is not deterministic: the keys of a `keys` reply are sorted. Made by `npm run conformance -- --record --as <profile>`.",
    tarmac, commit, profile, store, emptyKeys,
    cases: results.map(({ name, exchanges }) => ({ name, exchanges: exchanges.map(encodeExchange) })),
  };
}
