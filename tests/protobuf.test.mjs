// Tarmac tries every request as protobuf before JSON (since v0.8.1), with a different decoder
// in each version: no request the SDK sends may decode as protobuf under either, whatever its
// key, value, URL, header, SQL text or metric name, and each must still read, as JSON, as the
// documented request. The decoders are modelled in host/protowire.mjs from their sources; the
// first test pins the models to what those sources do.
import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { probeInstance, guests } from "./guests.mjs";
import { Kind, decode } from "./probe.mjs";
import { CapsOp, capsRequest, httpCallRequest, f64 } from "./caps.mjs";
import { unmarshalV010, unmarshalVT } from "../host/engine/protowire.mjs";
import { PROTO_MESSAGES as schemas } from "../spec/capabilities.mjs";
import { goUnmarshal, goBase64Decode } from "../host/engine/go-json.mjs";
import { PROTOBUF_GUARD } from "./wire.mjs";
import { operations } from "../spec/capabilities.mjs";
import { CALLS, SENT, id } from "./operations.mjs";
import { TestHost } from "../host/index.mjs";

const SEED = Number(process.env.FUZZ_SEED ?? 20261201);
const PROFILES = ["v0.10.0", "main"];
// Every ASCII byte that is an end-group tag (wire type 4, fields 4 to 15).
const END_GROUP = "$,4<DLT\\dlt|";
const b = (s) => Buffer.from(s, "latin1");
const show = (v) => JSON.stringify(v, (_, x) => (typeof x === "bigint" ? String(x) : x));

/** Asserts that `call`'s payload decodes as protobuf under neither Tarmac decoder. */
function assertNotProtobuf(call) {
  const message = `${call.namespace}:${call.operation}`;
  const schema = schemas[message];
  assert.ok(schema, `no schema for ${message}`);
  assert.equal(unmarshalV010(call.payload, schema), null, `v0.10.0 decodes ${message} ${show(call.payload.toString().slice(0, 80))} as protobuf`);
  assert.equal(unmarshalVT(call.payload, schema), null, `main decodes ${message} ${show(call.payload.toString().slice(0, 80))} as protobuf`);
  assert.ok(call.payload.toString("latin1").startsWith(PROTOBUF_GUARD + "{"), "the request starts with the guard");
}

test("the decoder models follow their sources (proto.Unmarshal in v0.10.0, UnmarshalVT in main)", () => {
  const get = schemas["kvstore:get"];
  // The key from the issue: '{' opens group 15, the raw '|' closes it (both decoders).
  const key = "a".repeat(102) + "|b " + "a".repeat(30);
  assert.deepEqual(unmarshalV010(b(JSON.stringify({ key })), get), {});
  assert.deepEqual(unmarshalVT(b(JSON.stringify({ key })), get), {});
  // Escaped as \u007c: v0.10.0's group never closes; main's Skip closes it on the '\' (field 11).
  const escaped = b(JSON.stringify({ key }).replace("|", "\\u007c"));
  assert.equal(unmarshalV010(escaped, get), null);
  assert.deepEqual(unmarshalVT(escaped, get), {});
  // A group closed by another field's end-group tag: an error in v0.10.0, closed in main.
  assert.equal(unmarshalV010(Buffer.from([0x7b, 0x24]), get), null);
  assert.deepEqual(unmarshalVT(Buffer.from([0x7b, 0x24]), get), {});
  // A known field with the wrong wire type: kept as unknown in v0.10.0, an error in main.
  assert.deepEqual(unmarshalV010(Buffer.from([0x0d, 1, 2, 3, 4]), get), {});
  assert.equal(unmarshalVT(Buffer.from([0x0d, 1, 2, 3, 4]), get), null);
  // proto3 strings must be UTF-8 in v0.10.0, not in main.
  assert.equal(unmarshalV010(Buffer.from([0x0a, 1, 0xff]), get), null);
  assert.deepEqual(unmarshalVT(Buffer.from([0x0a, 1, 0xff]), get), { 1: [Buffer.from([0xff])] });
  // An over-long encoding of group 15's end tag closes it in v0.10.0 (it needs bytes UTF-8 JSON never has).
  assert.deepEqual(unmarshalV010(Buffer.from([0x7b, 0xfc, 0x80, 0x00]), get), {});
  // An end-group tag at the top level is an error in both; so are wire types 6 and 7.
  for (const bytes of [[0x0c], [0x7c], [0x0e], [0x0f]]) {
    assert.equal(unmarshalV010(Buffer.from(bytes), get), null);
    assert.equal(unmarshalVT(Buffer.from(bytes), get), null);
  }
  // The empty payload is an empty message in both (get with an empty payload: "key cannot be nil").
  assert.deepEqual(unmarshalV010(Buffer.alloc(0), get), {});
  assert.deepEqual(unmarshalVT(Buffer.alloc(0), get), {});
  // Real protobuf decodes in both.
  assert.deepEqual(unmarshalVT(Buffer.from([0x0a, 2, 0x68, 0x69]), get), { 1: [Buffer.from("hi")] });
  assert.deepEqual(unmarshalV010(Buffer.from([0x0a, 2, 0x68, 0x69]), get), { 1: [Buffer.from("hi")] });
});

test("the guard: field 1 of every request message of the registry is length-delimited and no message uses field 15", () => {
  for (const op of operations().filter((o) => o.proto && !o.emptyRequest)) { // an empty request answers JSON
    assert.ok(["string", "bytes"].includes(op.proto[1]), `${op.namespace}:${op.operation} field 1 is ${op.proto[1]}`);
    assert.equal(op.proto[15], undefined, `${op.namespace}:${op.operation}`);
  }
});

test("every operation of the registry the SDK sends as JSON starts with the guard and decodes as protobuf under neither Tarmac", async () => {
  const host = new TestHost({ sql: { rows: () => [] }, realHttp: false });
  const fns = { probe: await host.load(guests.probe), caps: await host.load(guests.caps) };
  for (const op of SENT.filter((o) => o.request)) {
    const [guest, body] = CALLS[id(op)];
    const first = host.calls.length;
    fns[guest].call(body);
    const sent = host.calls.slice(first).find((c) => c.capability === op.namespace);
    assert.ok(sent, `${id(op)} was not sent`);
    assertNotProtobuf({ namespace: op.namespace, operation: op.operation, payload: sent.payload });
    assert.deepEqual(Object.keys(JSON.parse(sent.payload)), Object.keys(op.request), `${id(op)}: the request has the registry's fields, in its order`);
    const zero = { string: "", base64: "", bool: false, number: 0, "map<string,string>": {} };
    assert.ok(goUnmarshal(sent.payload, Object.fromEntries(Object.entries(op.request).map(([k, t]) => [k, zero[t]]))), `${id(op)}: Go's encoding/json reads it into the registry's types`);
  }
  await host.close();
});

// Keys with end-group bytes in every position (lengths 1 to 24), at spread positions in long
// keys (135 to 10,000 characters), and generated keys full of them.
function adversarialKeys() {
  const keys = [];
  for (let n = 1; n <= 24; n++) for (let at = 0; at < n; at++) for (const c of END_GROUP) keys.push("a".repeat(at) + c + "b".repeat(n - at - 1));
  for (const n of [135, 218, 1000, 2000, 10000]) {
    for (let k = 0; k < 24; k++) {
      const at = Math.floor((k * (n - 1)) / 23);
      for (const c of END_GROUP) keys.push("k".repeat(at) + c + "v".repeat(n - at - 1));
    }
  }
  keys.push("a".repeat(102) + "|b " + "a".repeat(30)); // the README's example
  const mixed = fc.array(fc.oneof(fc.constantFrom(...END_GROUP), fc.string({ unit: "binary", minLength: 1, maxLength: 4 }), fc.constantFrom('"', "\\u007c", "{", "}", "\u0000", "😀")), { minLength: 1, maxLength: 400 }).map((p) => p.join(""));
  keys.push(...fc.sample(mixed, { numRuns: 1500, seed: SEED }));
  return keys;
}

test(`key:value: adversarial keys round-trip on both profiles and no request decodes as protobuf (seed ${SEED})`, async () => {
  const keys = adversarialKeys();
  for (const profile of PROFILES) {
    const { host, guest, probe } = await probeInstance({ profile });
    keys.forEach((key, i) => {
      const value = Buffer.from(`v${i}${END_GROUP}`);
      assert.equal(probe.set(key, value).kind, Kind.OK, `${profile}: set ${show(key.slice(0, 40))}`);
      const got = probe.get(key);
      assert.equal(got.kind, Kind.OK, `${profile}: get ${show(key.slice(0, 40))}: ${got.message}`);
      assert.deepEqual(got.value, value);
      assert.equal(probe.delete(key).kind, Kind.OK, `${profile}: delete`);
      assert.equal(probe.get(key).kind, Kind.NotFound, `${profile}: deleted`);
      if (profile === "v0.10.0") {
        for (const call of guest.hostCalls) {
          assertNotProtobuf(call);
          const req = goUnmarshal(call.payload, { key: "", data: "" });
          assert.equal(req.key, key, "Tarmac's JSON path reads the key as sent");
          if (call.operation === "set") assert.deepEqual(goBase64Decode(req.data), value);
        }
      }
      host.calls.length = 0;
    });
  }
});

test(`metrics, HTTP and SQL: generated names, URLs, headers and queries never decode as protobuf (seed ${SEED})`, async () => {
  const { host, guest } = await probeInstance({}, guests.caps);
  guest.intercept = (call) => (call.namespace === "metrics" ? { ok: true, body: Buffer.alloc(0) } : { ok: true, body: Buffer.from(call.namespace === "sql"
    ? `{"status":{"code":200,"status":"OK"},"data":"bnVsbA=="}` : `{"status":{"code":200,"status":"OK"},"code":200,"headers":null,"body":""}`) });
  const run = (request) => {
    const r = guest.call(request);
    assert.ok(r.ok, r.error);
    return decode(r.body);
  };
  const nameChar = fc.oneof({ arbitrary: fc.constantFrom(..."4DLTdlt_:"), weight: 3 }, { arbitrary: fc.constantFrom(..."abcXYZ0189"), weight: 1 });
  const metricName = fc.tuple(fc.constantFrom(..."DLTdlt_:a"), fc.array(nameChar, { maxLength: 10000 })).map(([h, t]) => h + t.join(""));
  const text = fc.array(fc.oneof(fc.constantFrom(...END_GROUP), fc.string({ unit: "binary", minLength: 1, maxLength: 6 })), { minLength: 1, maxLength: 60 })
    .map((p) => p.join("").replace(/[\ud800-\udfff]/g, ""));
  fc.assert(fc.property(metricName, text, text, fc.double({ noNaN: true, noDefaultInfinity: true }), (name, path, query, value) => {
    for (const [op, rest, operation] of [[CapsOp.COUNTER, Buffer.alloc(0), "counter"], [CapsOp.GAUGE_INC, Buffer.alloc(0), "gauge"], [CapsOp.HISTOGRAM, f64(value), "histogram"]]) {
      assert.equal(run(capsRequest(op, name, rest)).kind, Kind.OK, `metrics.${operation} ${name.slice(0, 40)}`);
      const sent = guest.hostCalls.at(-1);
      assertNotProtobuf(sent);
      assert.equal(goUnmarshal(sent.payload, { name: "" }).name, name);
    }
    const url = "http://127.0.0.1:9/" + path.replace(/[\u0000-\u0020\u007f]/g, "");
    const headerValue = path.replace(/[\u0000-\u0008\u000a-\u001f\u007f]/g, "");
    assert.equal(run(httpCallRequest("PUT", url, { headers: { "X-Tdl4": headerValue }, body: Buffer.from(query) })).kind, Kind.OK);
    const call = guest.hostCalls.at(-1);
    assertNotProtobuf(call);
    const sent = goUnmarshal(call.payload, { method: "", headers: {}, url: "", body: "", insecure: false });
    assert.deepEqual([sent.method, sent.url, sent.headers, goBase64Decode(sent.body)], ["PUT", url, { "X-Tdl4": headerValue }, Buffer.from(query)]);
    if (query.length === 0) return;
    assert.equal(run(capsRequest(CapsOp.SQL, query)).kind, Kind.OK);
    const q = guest.hostCalls.at(-1);
    assertNotProtobuf(q);
    assert.equal(goBase64Decode(goUnmarshal(q.payload, { query: "" }).query).toString(), query);
    host.calls.length = 0;
  }), { numRuns: 300, seed: SEED });
});

test("on the main profile, long metric names and URLs full of end-group bytes reach Tarmac as sent", async () => {
  const { host, guest } = await probeInstance({ profile: "main" }, guests.caps);
  const name = "jobs_" + "Dt4l".repeat(52) + "_count"; // 219 characters
  const r = guest.call(capsRequest(CapsOp.COUNTER, name));
  assert.equal(decode(r.body).kind, Kind.OK);
  assert.equal(host.metrics.byName.get(name)?.value, 1, "counted under its own name");
  // A URL Tarmac cannot reach: the error names the URL, so it was read as sent.
  const url = "http://127.0.0.1:9/" + "dlt4DLT$,<".repeat(8);
  const h = decode(guest.call(httpCallRequest("GET", url)).body);
  assert.equal(h.kind, Kind.HostFailure);
  assert.match(h.message, new RegExp(`^Unable to execute HTTP request - Get "${url.replace(/[$]/g, "\\$")}": dial tcp 127\\.0\\.0\\.1:9: connect: connection refused$`));
  await host.close();
});
