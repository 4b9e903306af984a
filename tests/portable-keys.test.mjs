// kv.portable(): keys every store holds. Keys NATS holds as they are pass through unchanged (data
// stored before stays readable); any other key is stored as "=_" + base64url of its UTF-8 and
// `keys()` gives it back decoded; a key too long once encoded is InvalidInput before any host
// call. Shown on the in-memory store and on a real NATS server (nats-server on loopback), where
// the same keys without portable() are refused.
import { test, after } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { TarmacHost } from "../host/engine/tarmac-host.mjs";
import { MemoryStore, NatsStore } from "../host/index.mjs";
import { isNatsKey } from "../host/engine/server-stores.mjs";
import { WIRE_NAMES, wireGuests } from "./guests.mjs";
import { Kind, Op, PORTABLE, request, decode } from "./probe.mjs";
import { ADVERSARIAL_KEYS } from "./contract/cases.mjs";
import { MESSAGES } from "../scripts/messages.mjs";
import { LIMITS } from "../spec/capabilities.mjs";
import { storeForTests, startNats } from "./servers/stores.mjs";

const MAX = LIMITS.MAX_PORTABLE_KEY_BYTES[1];
const nats = await storeForTests("portable-keys", "NATS", () => startNats());
const closers = [];
after(async () => { for (const c of closers) c.close(); await nats.server?.stop(); });

/** A kv-probe on `store`: portable(op, key, value) goes through kv.portable(), plain(...) does not. */
async function probeOn(store, wire = "json", profile = "main") {
  const host = new TarmacHost({ profile, store });
  const guest = await host.instantiate(wireGuests(wire).probe);
  const call = (op, key, value) => { const r = guest.call(request(op, key, value)); assert.ok(r.ok, r.error); return decode(r.body); };
  return { host, portable: (op, key, value) => call(op | PORTABLE, key, value), plain: call };
}

const keysOf = (rest) => {
  const keys = [];
  let p = 4;
  for (let i = rest.readUInt32LE(0); i > 0; i--) { const n = rest.readUInt32LE(p); keys.push(rest.subarray(p + 4, p + 4 + n).toString()); p += 4 + n; }
  return keys;
};
const encoded = (key) => `=_${Buffer.from(key).toString("base64url")}`;
const fitting = ADVERSARIAL_KEYS.filter((k) => encoded(k).length <= MAX);

test("portable keys on the in-memory store: each adversarial key round-trips, keys NATS holds are stored unchanged, others as =_ + base64url, and keys() decodes them", async () => {
  const store = new MemoryStore();
  const p = await probeOn(store);
  for (const [i, key] of fitting.entries()) assert.equal(p.portable(Op.SET, key, Buffer.from(`v${i}`)).kind, Kind.OK, key);
  for (const [i, key] of fitting.entries()) assert.equal(p.portable(Op.GET, key).rest.toString(), `v${i}`, key);
  const stored = [...store.map.keys()];
  assert.deepEqual(stored.sort(), fitting.map((k) => (isNatsKey(k) ? k : encoded(k))).sort());
  assert.ok(stored.every(isNatsKey), "every stored key is one NATS holds");
  assert.deepEqual(keysOf(p.portable(Op.KEYS).rest).sort(), [...fitting].sort());
  for (const key of fitting) assert.equal(p.portable(Op.DELETE, key).kind, Kind.OK);
  assert.equal(store.map.size, 0);
});

test("portable keys: data stored before under a key that fits is read through portable(); a fitting key that starts with =_ is encoded too, so decoding is exact", async () => {
  const store = new MemoryStore();
  const p = await probeOn(store);
  assert.equal(p.plain(Op.SET, "user-42", Buffer.from("before")).kind, Kind.OK);
  assert.equal(p.portable(Op.GET, "user-42").rest.toString(), "before");
  assert.equal(p.portable(Op.SET, "=_abc", Buffer.from("x")).kind, Kind.OK);
  assert.ok(store.map.has(encoded("=_abc")));
  // Stored keys that are not exactly an encoding come back as they are.
  for (const k of ["=_", "=_abc=", "=_!!", "=_dXNlcjo0Mh"]) store.set(k, Buffer.from("raw"));
  const keys = keysOf(p.portable(Op.KEYS).rest).sort();
  assert.deepEqual(keys, ["=_", "=_!!", "=_abc", "=_abc=", "=_dXNlcjo0Mh", "user-42"].sort());
});

test(`portable keys: a key over ${MAX.toLocaleString("en-US")} bytes once stored is InvalidInput on every operation, before any host call; the SDK's own checks come first`, async () => {
  const store = new MemoryStore();
  const p = await probeOn(store);
  const calls = [];
  const host = p.host;
  const dispatch = host.dispatch.bind(host);
  host.dispatch = (...a) => { calls.push(a[2]); return dispatch(...a); };
  const justFits = "k".repeat(MAX), tooLong = "k".repeat(MAX + 1), encodedTooLong = "é".repeat(1200);
  assert.equal(p.portable(Op.SET, justFits, Buffer.from("v")).kind, Kind.OK);
  for (const key of [tooLong, encodedTooLong]) {
    for (const [op, name] of [[Op.SET, "set"], [Op.GET, "get"], [Op.DELETE, "delete"]]) {
      const r = p.portable(op, key, Buffer.from("v"));
      assert.deepEqual([r.kind, r.message], [Kind.InvalidInput, MESSAGES.E_NOT_PORTABLE], `${name} ${key.length}`);
    }
  }
  assert.equal(calls.filter((c) => c !== "keys").length, 1, "only the key that fits reached the host");
  assert.equal(p.portable(Op.GET, "").message, MESSAGES.E_EMPTY_KEY);
  assert.equal(p.portable(Op.SET, "k", Buffer.alloc(0)).message, MESSAGES.E_EMPTY_VALUE);
});

test("portable keys round-trip for any text (fast-check, 300 keys): set, keys() and get give back exactly what was set", async () => {
  const store = new MemoryStore();
  const p = await probeOn(store, "protobuf");
  fc.assert(fc.property(fc.string({ unit: "binary", minLength: 1, maxLength: 200 }), (key) => {
    if (p.portable(Op.SET, key, Buffer.from(key)).kind !== Kind.OK) return false;
    const ok = p.portable(Op.GET, key).rest.equals(Buffer.from(key)) && keysOf(p.portable(Op.KEYS).rest).includes(key);
    p.portable(Op.DELETE, key);
    return ok && store.map.size === 0;
  }), { numRuns: 300, seed: 19 });
});

for (const wire of WIRE_NAMES) {
  test(`portable keys on a real NATS server, ${wire} wire: keys NATS refuses without portable() (InvalidInput, "nats: invalid key") round-trip through it`, { skip: nats.skip }, async () => {
    const store = new NatsStore({ servers: [nats.server.url], bucket: `portable_${wire}` });
    closers.push(store);
    const p = await probeOn(store, wire);
    const refused = fitting.filter((k) => !isNatsKey(k));
    assert.ok(refused.length >= 10);
    for (const [i, key] of fitting.entries()) {
      if (refused.includes(key)) assert.equal(p.plain(Op.SET, key, Buffer.from("v")).kind, Kind.InvalidInput, `without portable(): ${key}`);
      assert.equal(p.portable(Op.SET, key, Buffer.from(`v${i}`)).kind, Kind.OK, key);
      assert.equal(p.portable(Op.GET, key).rest.toString(), `v${i}`, key);
    }
    assert.deepEqual(keysOf(p.portable(Op.KEYS).rest).sort(), [...fitting].sort());
    for (const key of fitting) assert.equal(p.portable(Op.DELETE, key).kind, Kind.OK);
    assert.deepEqual(store.keys(), []);
  });
}
