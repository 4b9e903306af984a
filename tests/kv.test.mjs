// The key:value capability over compiled guests on the Tarmac-like host: exact wire bytes,
// exact round trips and exact errors.
import { test } from "node:test";
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { probeInstance } from "./guests.mjs";
import { Kind } from "./probe.mjs";
import { MemoryStore } from "../host/engine/kvstore.mjs";
import { requestBytes } from "./wire.mjs";
import fc from "fast-check";

const lastCall = (guest) => guest.hostCalls[guest.hostCalls.length - 1];
const json = (buf) => JSON.parse(buf.toString("utf8"));

// The examples of the documented interface (shared/seed/key-value-store.md), verbatim.
const DOC = {
  get: `{\n\t"key": "myKey"\n}`,
  getResponse: `{\n\t"data": "VHdlZXQgYWJvdXQgVGFybWFjIGlmIHlvdSB0aGluayBpdCdzIGF3ZXNvbWUu",\n\t"status": {\n\t\t"code": 200,\n\t\t"status": "OK"\n\t}\n}`,
  set: `{\n  "data": "VHdlZXQgYWJvdXQgVGFybWFjIGlmIHlvdSB0aGluayBpdCdzIGF3ZXNvbWUu",\n  "key": "myKey"\n}`,
  setResponse: `{\n  "status": {\n    "code": 200,\n    "status": "OK"\n  }\n}`,
  delete: `{\n  "key": "myKey"\n}`,
  deleteResponse: `{\n  "status": {\n    "code": 200,\n    "status": "OK"\n  }\n}`,
  keysResponse: `{\n\t"keys": ["key1", "key2"],\n\t"status": {\n\t\t"code": 200,\n\t\t"status": "OK"\n\t}\n}`,
};
const TWEET = "Tweet about Tarmac if you think it's awesome.";

test("documented requests: the SDK sends the documented JSON, after the protobuf guard's whitespace", async () => {
  const { guest, probe } = await probeInstance();
  probe.set("myKey", Buffer.from(TWEET));
  assert.deepEqual(json(lastCall(guest).payload), JSON.parse(DOC.set));
  assert.equal(lastCall(guest).payload.toString(), requestBytes(`{"key":"myKey","data":"VHdlZXQgYWJvdXQgVGFybWFjIGlmIHlvdSB0aGluayBpdCdzIGF3ZXNvbWUu"}`));
  probe.get("myKey");
  assert.deepEqual(json(lastCall(guest).payload), JSON.parse(DOC.get));
  assert.equal(lastCall(guest).payload.toString(), requestBytes(`{"key":"myKey"}`));
  probe.delete("myKey");
  assert.deepEqual(json(lastCall(guest).payload), JSON.parse(DOC.delete));
  probe.keys();
  assert.equal(lastCall(guest).payload.length, 0, "keys is asked with an empty payload");
  for (const c of guest.hostCalls) {
    assert.equal(c.binding, "tarmac");
    assert.equal(c.namespace, "kvstore");
  }
  assert.deepEqual(guest.hostCalls.map((c) => c.operation), ["set", "get", "delete", "keys"]);
});

test("documented responses decode to the right values", async () => {
  const { guest, probe } = await probeInstance();
  const answers = { get: DOC.getResponse, set: DOC.setResponse, delete: DOC.deleteResponse, keys: DOC.keysResponse };
  guest.intercept = (call) => ({ ok: true, body: Buffer.from(answers[call.operation]) });
  assert.equal(probe.get("myKey").value.toString(), TWEET);
  assert.equal(probe.set("myKey", Buffer.from("x")).kind, Kind.OK);
  assert.equal(probe.delete("myKey").kind, Kind.OK);
  assert.deepEqual(probe.keys().keys, ["key1", "key2"]);
});

test("the real host's field order and unknown fields are accepted", async () => {
  const { guest, probe } = await probeInstance();
  const bodies = [
    `{"status":{"code":200,"status":"OK"},"data":"aGk="}`,
    `{"data":"aGk=","status":{"status":"OK","code":200}}`,
    `{"extra":[1,{"a":null}],"DATA":"aGk=","Status":{"Code":200,"x":true},"more":-1.5e3}`,
    ` \r\n\t{ "status" : { "code" : 200 } , "data" : "aGk=" } \n`,
    `{"data":"aGk\\u003d","status":{"code":200}}`,
    `{"n":[0,-0,0.5,-0.5E-10,1e+2,10E2,123456789012345678901234567890],"data":"aGk=","status":{"code":200}}`,
  ];
  for (const body of bodies) {
    guest.intercept = () => ({ ok: true, body: Buffer.from(body) });
    const r = probe.get("k");
    assert.equal(r.kind, Kind.OK, body);
    assert.equal(r.value.toString(), "hi", body);
  }
});

test("Tarmac's value shapes round-trip: integers, floats, booleans, JSON, binary, symbols", async () => {
  const { host, probe } = await probeInstance();
  const values = {
    integer: Buffer.from("12345"),
    float: Buffer.from("3.14159"),
    boolean: Buffer.from("true"),
    json: Buffer.from(`{"name":"tarmac","list":[1,2,3],"nested":{"a":"b\\"c"}}`),
    binary: Buffer.from([0, 1, 2, 0xff, 0xfe, 0x80, 0x7f, 0]),
    symbols: Buffer.from("!@#$%^&*()_+"),
  };
  for (const [k, v] of Object.entries(values)) {
    assert.equal(probe.set(k, v).kind, Kind.OK, k);
    assert.deepEqual(host.store.get(k), v, `${k} stored exactly`);
    assert.deepEqual(probe.get(k).value, v, `${k} read back exactly`);
  }
  assert.equal(probe.getString("symbols").value, "!@#$%^&*()_+");
  assert.equal(probe.getString("binary").kind, Kind.InvalidData, "binary is not text");
});

test("empty key and empty value are invalid input, rejected before any host call", async () => {
  const { guest, probe } = await probeInstance();
  const checks = [
    () => probe.get(""), () => probe.set("", Buffer.from("x")), () => probe.delete(""),
    () => probe.getString(""), () => probe.set("k", Buffer.alloc(0)), () => probe.setString("k", ""),
  ];
  for (const check of checks) {
    const r = check();
    assert.equal(r.kind, Kind.InvalidInput);
    assert.equal(r.code, 0);
  }
  assert.equal(guest.hostCalls.length, 0);
});

test("keys that are not valid Unicode (lone surrogates) are invalid input, as are such text values", async () => {
  const { guest, probe } = await probeInstance();
  for (const key of ["\ud800", "a\udc00b", "x\ud83d", "\ude00\ud83d"]) {
    const r = probe.set(key, Buffer.from("v"));
    assert.equal(r.kind, Kind.InvalidInput, JSON.stringify(key));
    assert.match(r.message, /lone surrogate/);
    assert.equal(probe.get(key).kind, Kind.InvalidInput);
    assert.equal(probe.delete(key).kind, Kind.InvalidInput);
  }
  assert.equal(probe.setString("k", "bad \ud800 text").kind, Kind.InvalidInput);
  assert.equal(guest.hostCalls.length, 0);
});

test("the host's status errors map to kinds, with code and message", async () => {
  const { guest, probe } = await probeInstance();
  const miss = probe.get("nope");
  assert.deepEqual([miss.kind, miss.code, miss.message], [Kind.NotFound, 404, "Unable to fetch key nope - nil value returned from database"]);
  assert.equal(probe.getString("nope").kind, Kind.NotFound);
  assert.equal(probe.delete("nope").kind, Kind.OK, "deleting a missing key succeeds");
  const cases = [
    [400, "Error Parsing Input", Kind.InvalidInput],
    [500, "Unable to store data for key k - boom", Kind.HostFailure],
    [503, "down", Kind.HostFailure],
  ];
  for (const [code, text, kind] of cases) {
    guest.intercept = () => ({ ok: false, error: text, body: Buffer.from(JSON.stringify({ status: { code, status: text } })) });
    for (const r of [probe.get("k"), probe.set("k", Buffer.from("v")), probe.delete("k"), probe.keys()]) {
      assert.deepEqual([r.kind, r.code, r.message], [kind, code, text]);
    }
  }
  // Tarmac answers 404 for every failed delete: that is a store failure, not "not found".
  guest.intercept = () => ({ ok: false, error: "Unable to delete key", body: Buffer.from(`{"status":{"code":404,"status":"Unable to delete key"}}`) });
  assert.equal(probe.delete("k").kind, Kind.HostFailure);
  // A failed call without a body carries the host's error text.
  guest.intercept = () => ({ ok: false, error: "store exploded" });
  assert.deepEqual([probe.get("k").kind, probe.get("k").message], [Kind.HostFailure, "store exploded"]);
});

test("a disabled capability and a wrong binding give Unavailable, not a crash", async () => {
  const { probe } = await probeInstance({ kvstore: false });
  for (const r of [probe.get("k"), probe.set("k", Buffer.from("v")), probe.delete("k"), probe.keys()]) {
    assert.equal(r.kind, Kind.Unavailable);
    assert.match(r.message, /callback not found/);
  }
  const { guest, probe: p2 } = await probeInstance();
  p2.set("k", Buffer.from("v"));
  assert.equal(p2.raw(10, "k").kind, Kind.Unavailable, "binding 'other' is not routed by Tarmac");
  assert.equal(lastCall(guest).binding, "other");
});

test("keys: 0, 3 and 100 keys; null, [] and absent keys all mean none", async () => {
  const { guest, probe } = await probeInstance();
  assert.deepEqual(probe.keys().keys, []);
  for (const k of ["a", "b", "c"]) probe.set(k, Buffer.from(k));
  assert.deepEqual(probe.keys().keys.sort(), ["a", "b", "c"]);
  for (let i = 0; i < 97; i++) probe.set(`key-${i}`, Buffer.from([i]));
  const keys = probe.keys().keys;
  assert.equal(keys.length, 100);
  assert.equal(new Set(keys).size, 100);
  for (const body of [`{"keys":null,"status":{"code":200,"status":"OK"}}`, `{"keys":[],"status":{"code":200,"status":"OK"}}`, `{"status":{"code":200,"status":"OK"}}`]) {
    guest.intercept = () => ({ ok: true, body: Buffer.from(body) });
    assert.deepEqual(probe.keys().keys, [], body);
  }
});

const ADVERSARIAL_KEYS = [
  `"`, `\\`, `\\"`, `"quoted"`, `back\\slash`, `a","data":"eA==`, `a"}`, `{"key":"x"}`, `null`,
  Array.from({ length: 32 }, (_, i) => String.fromCharCode(i)).join(""), "\u007f\u0080\u00ff",
  "tab\tnew\nline\rcr", "<script>&amp;</script>", "line\u2028sep\u2029", "\ufeffbom", "\ufffd",
  "emoji 😀🎉👩‍👩‍👧", "𝄞 non-BMP 𠜎", "ключ", "鍵", "🔑".repeat(100), "k".repeat(10000), " ", "\u0000",
];

test("adversarial keys: the store holds exactly the key given, and keys() returns it exactly", async () => {
  const { host, guest, probe } = await probeInstance();
  ADVERSARIAL_KEYS.forEach((key, i) => {
    const value = Buffer.from(`value-${i}`);
    assert.equal(probe.set(key, value).kind, Kind.OK, JSON.stringify(key));
    assert.equal(json(lastCall(guest).payload).key, key, "request carries exactly the key");
    assert.deepEqual(Object.keys(json(lastCall(guest).payload)), ["key", "data"], "no field injected");
    assert.deepEqual(host.store.get(key), value, "store holds exactly the key");
    assert.deepEqual(probe.get(key).value, value);
  });
  assert.equal(host.store.map.size, ADVERSARIAL_KEYS.length);
  assert.deepEqual(probe.keys().keys.sort(), [...ADVERSARIAL_KEYS].sort());
  for (const key of ADVERSARIAL_KEYS) {
    assert.equal(probe.delete(key).kind, Kind.OK);
    assert.equal(probe.get(key).kind, Kind.NotFound);
  }
  assert.equal(host.store.map.size, 0);
});

test("text values round-trip exactly through setString/getString", async () => {
  const { probe } = await probeInstance();
  for (const s of ADVERSARIAL_KEYS) {
    assert.equal(probe.setString("t", s).kind, Kind.OK);
    assert.equal(probe.getString("t").value, s);
  }
});

test("binary values of every size round-trip exactly: 1-3 B, all 256 bytes, 1 MiB, 8 MiB", async () => {
  const { host, guest, probe } = await probeInstance();
  const all = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
  const values = [
    Buffer.from([0]), Buffer.from([0xff]), Buffer.from([1, 2]), Buffer.from([0xfb, 0xff, 0xbf]), all,
    ...Array.from({ length: 20 }, (_, n) => randomBytes(n + 1)),
    randomBytes(1 << 20), randomBytes(8 << 20),
  ];
  for (const v of values) {
    assert.equal(probe.set("bin", v).kind, Kind.OK, `set ${v.length} B`);
    assert.equal(json(lastCall(guest).payload).data, v.toString("base64"), "standard padded base64");
    assert.ok(host.store.get("bin").equals(v), `stored ${v.length} B`);
    assert.ok(probe.get("bin").value.equals(v), `read ${v.length} B`);
  }
});

test("a key that makes plain JSON parse as protobuf round-trips on both profiles (the README's example)", async () => {
  // Tarmac tries protobuf first: JSON's '{' opens a protobuf group that a raw '|' closes (both
  // versions) or that main closes on any end-group byte, such as the '\' of an escape.
  const key = "a".repeat(102) + "|b " + "a".repeat(30);
  for (const profile of ["v0.10.0", "main"]) {
    const { host, guest, probe } = await probeInstance({ profile });
    for (const plain of [JSON.stringify({ key }), JSON.stringify({ key }).replace("|", "\\u007c")]) {
      if (profile === "v0.10.0" && plain.includes("u007c")) continue; // v0.10.0 reads the escaped form as JSON
      assert.throws(() => host.dispatch("tarmac", "kvstore", "get", Buffer.from(plain)), /key cannot be nil/, `${profile} misreads ${plain.slice(100, 120)}`);
    }
    assert.equal(probe.set(key, Buffer.from("v")).kind, Kind.OK);
    assert.ok(!lastCall(guest).payload.includes(0x7c), "the SDK never sends a raw '|'");
    assert.deepEqual(host.store.get(key), Buffer.from("v"));
    assert.deepEqual(probe.get(key).value, Buffer.from("v"));
    assert.equal(probe.delete(key).kind, Kind.OK);
  }
});

test("a store Tarmac cannot reach: get is a HostFailure although Tarmac answers 404, set and delete too", async () => {
  // Tarmac answers every failed get with 404; only hord's ErrNil text marks a missing key.
  const { host, probe } = await probeInstance();
  host.store.down = "dial tcp 127.0.0.1:6379: connect: connection refused";
  const got = probe.get("k");
  assert.deepEqual([got.kind, got.code, got.message], [Kind.HostFailure, 404, "Unable to fetch key k - unable to fetch data from Redis - dial tcp 127.0.0.1:6379: connect: connection refused"]);
  assert.deepEqual([probe.set("k", Buffer.from("v")).kind, probe.set("k", Buffer.from("v")).code], [Kind.HostFailure, 500]);
  assert.deepEqual([probe.delete("k").kind, probe.delete("k").code], [Kind.HostFailure, 404]);
  host.store.down = null;
  assert.equal(probe.get("k").kind, Kind.NotFound, "a missing key is still NotFound");
});

test("keys on an empty store: null (in-memory, BoltDB) and [] (Redis) both read as no keys", async () => {
  for (const emptyKeys of [null, []]) {
    const { guest, probe } = await probeInstance({ store: new MemoryStore({ emptyKeys }) });
    assert.deepEqual(probe.keys().keys, []);
    assert.ok(lastCall(guest).payload.length === 0);
  }
});

test("getString accepts exactly the UTF-8 that a strict decoder accepts (fuzzed byte sequences)", async () => {
  const { probe } = await probeInstance();
  const strict = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });
  // Bytes around every boundary: ASCII, continuation bytes, each lead-byte range, C0/C1/F5+.
  const interesting = [0x00, 0x41, 0x7f, 0x80, 0x8f, 0x90, 0x9f, 0xa0, 0xbf, 0xc0, 0xc1, 0xc2, 0xdf, 0xe0, 0xe1, 0xec, 0xed, 0xee, 0xef, 0xf0, 0xf1, 0xf3, 0xf4, 0xf5, 0xff];
  fc.assert(fc.property(fc.array(fc.oneof(fc.constantFrom(...interesting), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 8 }), (bytes) => {
    const value = Buffer.from(bytes);
    probe.set("u", value);
    let want = null;
    try { want = strict.decode(value); } catch {}
    const got = probe.getString("u");
    if (want === null) assert.equal(got.kind, Kind.InvalidData, value.toString("hex"));
    else assert.equal(got.value, want, value.toString("hex"));
  }), { numRuns: 20000, seed: 9 });
});
