// The Node host answers like Tarmac v0.10.0's kvstore callbacks (pkg/callbacks/kvstore), so the
// SDK's tests mean something. These call the host directly with raw payloads.
import { test } from "node:test";
import assert from "node:assert/strict";
import { TarmacHost, CallbackError } from "./host/tarmac-host.mjs";
import { parseProto } from "./host/protowire.mjs";

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
