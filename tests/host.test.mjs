// The Node host answers like Tarmac v0.10.0's kvstore callbacks (pkg/callbacks/kvstore), so the
// SDK's tests mean something. These call the host directly with raw payloads.
import { test } from "node:test";
import assert from "node:assert/strict";
import { TarmacHost, CallbackError } from "../host/engine/tarmac-host.mjs";
import { parseProto } from "../host/engine/protowire.mjs";
import { goBase64Decode, goJSON, goBytes, goUnmarshal } from "../host/engine/go-json.mjs";
import { plainSetRequest } from "../host/engine/kvstore.mjs";
import { rowsJSON } from "../host/engine/sql-rows.mjs";
import fc from "fast-check";

const host = new TarmacHost();
const call = (op, payload) => {
  try {
    return { ok: true, body: host.dispatch("tarmac", "kvstore", op, Buffer.from(payload)).toString() };
  } catch (e) {
    assert.ok(e instanceof CallbackError);
    return { ok: false, error: e.message, body: e.body ? e.body.toString("latin1") : "" };
  }
};

test("JSON path: Tarmac's status codes, messages and field order", () => {
  assert.deepEqual(call("set", `{"key":"k","data":"aGk="}`), { ok: true, body: `{"status":{"code":200,"status":"OK"}}` });
  assert.deepEqual(call("get", `{"key":"k"}`), { ok: true, body: `{"status":{"code":200,"status":"OK"},"data":"aGk="}` });
  assert.deepEqual(call("get", `{"KEY":"k","other":1}`).ok, true, "case-insensitive names, unknown fields ignored");
  assert.deepEqual(call("get", `{"key":"nope"}`), { ok: false, error: "Unable to fetch key nope - nil value returned from database", body: `{"status":{"code":404,"status":"Unable to fetch key nope - nil value returned from database"},"data":""}` });
  assert.deepEqual(call("get", `{"key":""}`).error, "Unable to fetch key  - key cannot be nil");
  assert.deepEqual(call("get", `{"key":`), { ok: false, error: "Error Parsing Input", body: `{"status":{"code":400,"status":"Error Parsing Input"},"data":""}` });
  assert.equal(call("set", `{"key":"k","data":"aGk"}`).error, "Unable to decode data - illegal base64 data at input byte 0");
  assert.equal(call("set", `{"key":"k","data":""}`).error, "Unable to store data using key k - data cannot be empty");
  assert.equal(call("set", `{"key":"","data":"aGk="}`).error, "Unable to store data using key  - key cannot be nil");
  assert.deepEqual(call("delete", `{"key":"missing"}`), { ok: true, body: `{"status":{"code":200,"status":"OK"}}` });
  assert.equal(JSON.parse(call("keys", "").body).keys.length, 1);
  call("delete", `{"key":"k"}`);
  assert.equal(call("keys", "").body, `{"keys":null,"status":{"code":200,"status":"OK"}}`);
});

test("Go's HTML-safe escaping in replies: <, > and & come back as \\u003c, \\u003e, \\u0026", () => {
  call("set", `{"key":"<a&b>","data":"aGk="}`);
  assert.equal(call("keys", "").body, `{"keys":["\\u003ca\\u0026b\\u003e"],"status":{"code":200,"status":"OK"}}`);
  call("delete", `{"key":"<a&b>"}`);
});

test("protobuf first: an empty payload is an empty protobuf message, answered in protobuf", () => {
  const r = call("get", "");
  assert.equal(r.error, "key cannot be nil");
  const msg = parseProto(Buffer.from(r.body, "latin1"));
  assert.ok(msg, "the reply is protobuf");
  assert.deepEqual(parseProto(msg[1][0]), { 1: [400n], 2: [Buffer.from("key cannot be nil")] });
  assert.equal(parseProto(Buffer.from(`{"key":"x"}`)), null, "ordinary JSON is not protobuf");
});

test("an unknown operation, a disabled capability and a wrong binding fail with 'callback not found'", () => {
  assert.throws(() => host.dispatch("tarmac", "kvstore", "nope", Buffer.alloc(0)), (e) => e instanceof CallbackError && e.message === "callback not found" && e.body === null);
  assert.throws(() => new TarmacHost({ kvstore: false }).dispatch("tarmac", "kvstore", "get", Buffer.from(`{"key":"k"}`)), /callback not found/);
  assert.throws(() => host.dispatch("default", "kvstore", "get", Buffer.from(`{"key":"k"}`)), /callback not found/);
});

// Go's base64.StdEncoding.DecodeString, one character at a time, as written in encoding/base64:
// CR and LF are skipped, "=" may only pad the last group, trailing bits are ignored.
function goDecodeReference(s) {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  const t = [...s].filter((c) => c !== "\r" && c !== "\n").join("");
  if (t.length % 4) return null;
  const out = [];
  for (let i = 0; i < t.length; i += 4) {
    const q = t.slice(i, i + 4);
    const last = i + 4 === t.length;
    const pad = q.endsWith("==") ? 2 : q.endsWith("=") ? 1 : 0;
    if (pad && !last) return null;
    const v = [...q.slice(0, 4 - pad)].map((c) => alphabet.indexOf(c));
    if (v.some((x) => x < 0) || v.length < 2) return null;
    const n = (v[0] << 18) | (v[1] << 12) | ((v[2] ?? 0) << 6) | (v[3] ?? 0);
    out.push(n >> 16, (n >> 8) & 255, n & 255);
    out.length -= pad;
  }
  return Buffer.from(out);
}

test("the host's base64 decoding accepts and rejects exactly what Go's does (fuzzed)", () => {
  const chars = fc.constantFrom(..."ABCXYZabxyz0189+/=-_ \r\n.$".split(""));
  fc.assert(fc.property(fc.oneof(
    fc.uint8Array({ maxLength: 40 }).map((b) => Buffer.from(b).toString("base64")),
    fc.tuple(fc.uint8Array({ maxLength: 40 }), fc.nat(60), chars).map(([b, i, c]) => { const s = Buffer.from(b).toString("base64"); return s.slice(0, i) + c + s.slice(i + 1); }),
    fc.array(chars, { maxLength: 16 }).map((a) => a.join("")),
  ), (s) => {
    const got = goBase64Decode(s), want = goDecodeReference(s);
    assert.deepEqual(got === null ? null : [...got], want === null ? null : [...want], JSON.stringify(s));
  }), { numRuns: 20000, seed: 5 });
});

test("goJSON writes []byte fields as Go does: base64 in a string, in field order", () => {
  const value = Buffer.from([0, 1, 2, 250, 255]);
  assert.equal(goJSON({ status: { code: 200, status: "OK" }, data: goBytes(value) }).toString(), `{"status":{"code":200,"status":"OK"},"data":"AAEC+v8="}`);
  assert.equal(goJSON({ a: [goBytes(Buffer.alloc(0)), "<&>"] }).toString(), `{"a":["","\\u003c\\u0026\\u003e"]}`);
});

test("the host's quick path for large set requests reads exactly what json.Unmarshal would (fuzzed)", () => {
  const big = Buffer.alloc(900, 7).toString("base64");
  const piece = fc.constantFrom(`"key":"k"`, `"KEY":"k\\"x"`, `"data":"${big}"`, `"Data":"QQ=="`, `"data":"${big}\\n"`, `"data":"${big.slice(1)}"`,
    `"data":1`, `"x":[1,{"data":"QQ=="}]`, `"key":null`, `"data":"${big}-"`, ``, `"key":"a\u0000"`);
  let quick = 0;
  fc.assert(fc.property(fc.array(piece, { maxLength: 5 }), fc.boolean(), (parts, spaced) => {
    const body = Buffer.from("{" + parts.join(spaced ? " , " : ",") + "}");
    const fast = plainSetRequest(body);
    if (fast === null) return;
    quick++;
    const req = goUnmarshal(body, { key: "", data: "" });
    assert.ok(req, body.toString());
    assert.deepEqual([fast.key, fast.data], [req.key, req.data]);
    assert.deepEqual(fast.bytes, goBase64Decode(req.data));
  }), { numRuns: 10000, seed: 3 });
  assert.ok(quick > 100, `the quick path was taken ${quick} times`);
});

test("SQL rows as Tarmac's drivers hand them to encoding/json: keys sorted, no rows as null, MySQL columns as base64, lib/pq's types", () => {
  const row = (...columns) => columns.map(([name, value, type]) => ({ name, value, type }));
  assert.equal(rowsJSON("postgres", []), "null");
  assert.equal(rowsJSON("mysql", [row(["b", Buffer.from("2")], ["a", null])]), `[{"a":null,"b":"Mg=="}]`);
  assert.equal(rowsJSON("mysql", [row(["n", 2])]), rowsJSON("mysql", [row(["n", Buffer.from("2")])]), "a canned value is the bytes of its text");
  assert.equal(rowsJSON("postgres", [row(["t", "t", 16], ["i", "42", 20], ["f", "1.50", 701], ["s", "x", 25], ["b", "\\x6869", 17], ["d", "2024-01-02 03:04:05.120", 1114])]),
    `[{"b":"aGk=","d":"2024-01-02T03:04:05.12Z","f":1.5,"i":42,"s":"x","t":true}]`);
  assert.equal(rowsJSON("postgres", [row(["z", 1], ["a", { x: [1] }])]), `[{"a":{"x":[1]},"z":1}]`, "canned values as given");
});
