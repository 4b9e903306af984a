// JSON payloads (parseJson, JsonValue), the raw host call and byte logging, over a compiled guest
// on the Tarmac-like host.
import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { guests } from "./guests.mjs";
import { TarmacHost } from "../host/engine/tarmac-host.mjs";
import { Kind, decode } from "./probe.mjs";
import { CapsOp, capsRequest } from "./caps.mjs";
import { MESSAGES } from "../scripts/messages.mjs";
import { INVALID_UTF8, VALID_UTF8_EDGES, LEADING_ZEROS, ZERO_NUMBERS, withLeadingZero, insertAfterQuote, utf8Edge } from "./fuzz/bad-text.mjs";
import { rng } from "./fuzz/hostile.mjs";

async function caps() {
  const host = new TarmacHost();
  const guest = await host.instantiate(guests.caps);
  const run = (op, name, rest) => {
    const r = guest.call(capsRequest(op, name, rest));
    if (!r.ok) throw new Error(r.error);
    return decode(r.body);
  };
  const json = (input, name = "") => run(CapsOp.JSON_PAYLOAD, name, Buffer.from(input));
  return { host, guest, run, json };
}

// What a JSON reader that follows Go (as Tarmac does) makes of a string: lone surrogates become U+FFFD.
const goString = (s) => s.replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, "\ufffd");
const goValue = (v) => typeof v === "string" ? goString(v)
  : Array.isArray(v) ? v.map(goValue)
  : v !== null && typeof v === "object" ? Object.fromEntries(Object.entries(v).map(([k, x]) => [goString(k), goValue(x)]))
  : v;

test("JSON payloads: any JSON document reads and writes back to the same value (fast-check, 1,000 documents)", async () => {
  const { json } = await caps();
  fc.assert(fc.property(fc.jsonValue({ maxDepth: 6 }), (value) => {
    const text = JSON.stringify(value);
    const r = json(text);
    assert.equal(r.kind, Kind.OK, `${text}: ${r.message}`);
    assert.deepEqual(JSON.parse(r.rest.toString("utf8")), goValue(JSON.parse(text)));
  }), { numRuns: 1000 });
});

test("JSON payloads: output is what JSON.stringify writes, byte for byte (escapes, UTF-8, order); numbers and repeated names kept as sent", async () => {
  const { json } = await caps();
  const text = `{"a":1, "b":[true,false,null],"c":"q\\"\\\\\\n\\t\\u0001 é 😀 \\u2028 | \\/","d":{},"e":[]}`;
  assert.equal(json(text).rest.toString("utf8"), JSON.stringify(JSON.parse(text)));
  for (const same of [`[1,-0,2.5,1e2,-3E-2,123456789012345678901234567890]`, `{"k":1,"k":2}`, `"|"`]) {
    assert.equal(json(same).rest.toString("utf8"), same);
  }
});

test("JsonValue.get: on an object with repeated member names, the last one is the value, as JSON.parse reads it", async () => {
  const { run } = await caps();
  const get = (doc, name) => {
    const r = run(CapsOp.JSON_GET, name, Buffer.from(doc));
    assert.equal(r.kind, Kind.OK, `${doc}: ${r.message}`);
    return r.rest[0] === 1 ? JSON.parse(r.rest.subarray(1).toString("utf8")) : undefined;
  };
  for (const [doc, name] of [
    [`{"a":1,"a":2}`, "a"], [`{"a":1,"b":0,"a":"two"}`, "a"], [`{"a":{"x":1},"a":{"y":2},"a":[3]}`, "a"],
    [`{"a":null,"a":false}`, "a"], [`{"a":false,"a":null}`, "a"], [`{"a":1,"\u0061":2}`, "a"], [`{"é":1,"\u00e9":2}`, "é"],
    [`{"a":1,"A":2}`, "a"], [`{"a":1,"A":2}`, "A"], [`{"b":{"a":1,"a":2},"a":3}`, "a"],
  ]) {
    assert.deepEqual(get(doc, name), JSON.parse(doc)[name], `${doc} .get(${JSON.stringify(name)})`);
  }
  assert.deepEqual(get(`{"b":{"a":1,"a":2}}`, "b"), { a: 2 }, "a nested object written back reads as JSON.parse reads it");
  // Generated objects whose members repeat a few names, against JSON.parse.
  const member = fc.tuple(fc.constantFrom("a", "b", "\u0061", "A"), fc.jsonValue({ maxDepth: 2 }));
  fc.assert(fc.property(fc.array(member, { maxLength: 8 }), fc.constantFrom("a", "b", "A", "c"), (members, name) => {
    const doc = `{${members.map(([n, v]) => `"${n}":${JSON.stringify(v)}`).join(",")}}`;
    assert.deepEqual(get(doc, name), goValue(JSON.parse(doc))[name], `${doc} .get(${JSON.stringify(name)})`);
  }), { numRuns: 500 });
});

test("JsonValue.set: on an object with repeated member names, the new value is the one get and JSON.parse then read", async () => {
  const { json } = await caps();
  for (const doc of [`{"name":1,"name":2}`, `{"name":1,"x":0,"name":2,"name":3}`]) {
    const out = json(doc, "Ada").rest.toString("utf8");
    assert.equal(JSON.parse(out).name, "Ada", `${doc} after set("name", "Ada"): ${out}`);
  }
});

test("JSON payloads: integers of any size keep their digits exactly", async () => {
  const { json } = await caps();
  const text = `{"id":9007199254740993,"big":-123456789012345678901234567890,"f":0.1000000000000000055511151231257827}`;
  assert.equal(json(text).rest.toString("utf8"), text);
});

test("JSON payloads: a string with a lone surrogate is written as a \\udXXX escape, as JSON.stringify does", async () => {
  const { json } = await caps();
  const r = json(`{"a":1}`, "x\ud800y\udfffz");
  assert.equal(r.rest.toString("utf8"), `{"a":1,"name":"x\\ud800y\\udfffz"}`);
  assert.equal(JSON.parse(r.rest.toString("utf8")).name, "x\ud800y\udfffz", "the string comes back exactly in JavaScript");
});

test("JSON payloads: anything that is not one JSON document is an InvalidInput error, and the instance goes on", async () => {
  const { json, guest } = await caps();
  const bad = ["", " ", "{", "}", "[1,]", "{\"a\":}", "{\"a\" 1}", "nul", "tru", "01", "1.", ".5", "+1", "\"\\x\"", "\"\x01\"",
    "{} {}", "[1] x", "'a'", "NaN", "\"\\ud800", "[" .repeat(129) + "]".repeat(129)];
  for (const text of bad) {
    const r = json(text);
    assert.equal(r.kind, Kind.InvalidInput, JSON.stringify(text));
    assert.equal(r.message, MESSAGES.E_PAYLOAD_NOT_JSON);
  }
  assert.equal(json(Buffer.from([0x22, 0xff, 0x22])).kind, Kind.InvalidInput, "invalid UTF-8 in a string");
  assert.equal(json("[".repeat(128) + "]".repeat(128)).kind, Kind.OK, "128 levels of nesting are fine");
  // Random bytes and every truncation of a document: an error or a value, never a trap.
  fc.assert(fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
    const r = guest.call(capsRequest(CapsOp.JSON_PAYLOAD, "", Buffer.from(bytes)));
    assert.ok(r.ok, r.error);
  }), { numRuns: 1000 });
  const doc = `{"a":[1,2,{"b":"c\\u00e9"}],"d":null,"e":-1.5e3}`;
  for (let i = 0; i < doc.length; i++) assert.equal(json(doc.slice(0, i)).kind, Kind.InvalidInput, doc.slice(0, i));
  assert.equal(json(doc).kind, Kind.OK);
});

// What JavaScript makes of bytes as a JSON payload: strict UTF-8 (a BOM kept, so it is not JSON), then JSON.parse; undefined if either refuses.
function jsParse(bytes) {
  try { return { value: JSON.parse(new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(bytes)) }; } catch { return undefined; }
}

test("JSON payloads: numbers with a leading zero (0200, -01, 00, ...) are InvalidInput, as JSON.parse refuses them; 0, -0, 0.5 and 0e5 are kept as sent", async () => {
  const { json } = await caps();
  for (const n of LEADING_ZEROS) {
    for (const text of [n, `[${n}]`, `[1,${n}]`, `{"code":${n}}`, `{"a":{"b":[${n}]}}`]) {
      assert.throws(() => JSON.parse(text), SyntaxError, text);
      const r = json(text);
      assert.deepEqual([r.kind, r.message], [Kind.InvalidInput, MESSAGES.E_PAYLOAD_NOT_JSON], text);
    }
  }
  for (const n of ZERO_NUMBERS) assert.equal(json(`[${n}]`).rest.toString("utf8"), `[${n}]`, n);
});

test("JSON payloads: overlong, surrogate, above-U+10FFFF and cut-short UTF-8 in a string or a name is InvalidInput, as a fatal TextDecoder refuses it; UTF-8 at its edges reads as JSON.parse reads it", async () => {
  const { json } = await caps();
  const docs = (seq) => [[`"a`, `b"`], [`{"k":"`, `"}`], [`{"`, `":1}`], [`["x","`, `"]`]].map(([a, b]) => Buffer.concat([Buffer.from(a), Buffer.from(seq), Buffer.from(b)]));
  for (const [name, seq] of Object.entries(INVALID_UTF8)) {
    for (const doc of docs(seq)) {
      assert.equal(jsParse(doc), undefined, `JavaScript refuses ${name}`);
      const r = json(doc);
      assert.deepEqual([r.kind, r.message], [Kind.InvalidInput, MESSAGES.E_PAYLOAD_NOT_JSON], `${name} in ${doc.toString("latin1")}`);
    }
  }
  for (const [name, seq] of Object.entries(VALID_UTF8_EDGES)) {
    for (const doc of docs(seq)) {
      const r = json(doc);
      assert.equal(r.kind, Kind.OK, `${name}: ${r.message}`);
      assert.deepEqual(JSON.parse(r.rest.toString("utf8")), jsParse(doc).value, name);
    }
  }
});

test("JSON payloads: generated documents with a leading-zero number or edge UTF-8 put in are accepted exactly when a fatal TextDecoder and JSON.parse accept them (fast-check, 2,000 documents)", async () => {
  const { json } = await caps();
  fc.assert(fc.property(fc.jsonValue({ maxDepth: 4 }), fc.integer(), fc.constantFrom("zero", "utf8", "both"), (value, seed, how) => {
    const r = rng(seed);
    let text = JSON.stringify(value);
    if (how !== "utf8") text = withLeadingZero(r, text);
    let bytes = Buffer.from(text);
    if (how !== "zero") bytes = insertAfterQuote(r, bytes, utf8Edge(r));
    const js = jsParse(bytes);
    const got = json(bytes);
    if (js === undefined) {
      assert.deepEqual([got.kind, got.message], [Kind.InvalidInput, MESSAGES.E_PAYLOAD_NOT_JSON], bytes.toString("latin1"));
    } else {
      assert.equal(got.kind, Kind.OK, `${bytes.toString("latin1")}: ${got.message}`);
      assert.deepEqual(JSON.parse(got.rest.toString("utf8")), goValue(js.value));
    }
  }), { numRuns: 2000 });
});

test("hostCall: the payload reaches the host as it is; success gives the reply, failure the host's error text and reply", async () => {
  const { host, guest, run } = await caps();
  host.store.set("k", Buffer.from("v"));
  const raw = (name, payload) => {
    const r = run(CapsOp.RAW_CALL, name, Buffer.from(payload));
    const errLen = r.rest.readUInt32LE(2);
    return { ok: r.rest[0] === 1, tooLarge: r.rest[1] === 1, error: r.rest.subarray(6, 6 + errLen).toString(), reply: r.rest.subarray(6 + errLen).toString() };
  };
  const got = raw("tarmac/kvstore/get", `{"key":"k"}`);
  assert.equal(got.ok, true);
  assert.deepEqual(JSON.parse(got.reply).data, Buffer.from("v").toString("base64"));
  assert.deepEqual(guest.hostCalls.at(-1).payload, Buffer.from(`{"key":"k"}`), "no guard or rewriting: the payload as given");
  const missing = raw("tarmac/kvstore/get", `{"key":"nope"}`);
  assert.equal(missing.ok, false);
  assert.equal(JSON.parse(missing.reply).status.code, 404, "a failed call still carries Tarmac's status JSON");
  assert.ok(missing.error.length > 0);
  const unknown = raw("tarmac/nosuch/thing", "");
  assert.equal(unknown.ok, false);
  assert.equal(unknown.error, MESSAGES.E_CALLBACK_NOT_FOUND);
});

test("logBytesAt: bytes reach Tarmac's logger exactly, even when they are not UTF-8", async () => {
  const { host, guest, run } = await caps();
  const bytes = Buffer.from([0x68, 0x69, 0xff, 0x00, 0xc3]);
  assert.equal(run(CapsOp.LOG_BYTES, "warn", bytes).kind, Kind.OK);
  assert.deepEqual(guest.hostCalls.at(-1).payload, bytes);
  assert.equal(host.logs.at(-1).level, "warn");
});
