// The test host's protobuf answers, byte for byte, as each Tarmac version gives them (read from
// pkg/callbacks in v0.10.0 and main): the same messages a guest on the protobuf wire reads.
// Requests are written out here field by field (an encoder of this file's own), replies
// compared as bytes where they are fixed and field by field where Go's map order is random.
import { test } from "node:test";
import assert from "node:assert/strict";
import { TarmacHost } from "../host/engine/tarmac-host.mjs";
import { route as call } from "./router.mjs";
import { TestHost } from "../host/index.mjs";
import { parseProto } from "../host/engine/protowire.mjs";
import { HOST_ANSWERS } from "../spec/capabilities.mjs";

const PROFILES = ["v0.10.0", "main"];

// A protobuf message from [field, value] pairs: a string or Buffer is length-delimited, a number
// a varint, an array of pairs a nested message.
function pb(...fields) {
  const parts = [];
  const varint = (n) => { const out = []; do { let x = n % 128; n = Math.floor(n / 128); if (n) x |= 128; out.push(x); } while (n); return Buffer.from(out); };
  for (const [num, v] of fields) {
    if (typeof v === "number") { parts.push(varint(num * 8), varint(v)); continue; }
    const bytes = Array.isArray(v) ? pb(...v) : Buffer.from(v);
    parts.push(varint(num * 8 + 2), varint(bytes.length), bytes);
  }
  return Buffer.concat(parts);
}
const STATUS_OK = [1, [[1, 200], [2, "OK"]]];
const statusOf = (code, text) => [1, [[1, code], [2, text]]];


for (const profile of PROFILES) {
  test(`${profile}: kvstore set, get and delete over protobuf answer Status{200, "OK"} and the raw value, no base64`, () => {
    const host = new TarmacHost({ profile });
    const value = Buffer.from([0, 255, 0x7b, 0x22]);
    assert.deepEqual(call(host, "kvstore", "set", pb([1, "k"], [2, value])), { ok: true, body: Buffer.from("0a0708c80112024f4b", "hex"), error: null });
    assert.deepEqual(call(host, "kvstore", "get", pb([1, "k"])), { ok: true, body: pb(STATUS_OK, [2, value]), error: null });
    assert.deepEqual(call(host, "kvstore", "delete", pb([1, "k"])), { ok: true, body: pb(STATUS_OK), error: null });
  });

  test(`${profile}: a missing key over protobuf is 404 "Unable to fetch key " and hord's error (no key in the text), with no data field`, () => {
    const r = call(new TarmacHost({ profile }), "kvstore", "get", pb([1, "user:42"]));
    const text = `Unable to fetch key ${HOST_ANSWERS.hordNil}`;
    assert.deepEqual(r, { ok: false, body: pb(statusOf(404, text)), error: text });
  });

  test(`${profile}: over protobuf an empty key is 400 "key cannot be nil", and set without data 400 "Data cannot be nil"`, () => {
    const host = new TarmacHost({ profile });
    assert.equal(call(host, "kvstore", "get", pb([1, ""])).error, "key cannot be nil");
    assert.deepEqual(call(host, "kvstore", "set", pb([1, "k"])), { ok: false, body: pb(statusOf(400, "Data cannot be nil")), error: "Data cannot be nil" });
  });

  test(`${profile}: kvstore keys answers KVStoreKeysResponse to any non-empty payload: one field 2 per key, none for an empty store`, () => {
    const host = new TarmacHost({ profile });
    assert.deepEqual(call(host, "kvstore", "keys", Buffer.from([0x08, 0x01])).body, pb(STATUS_OK), "empty: the status alone");
    call(host, "kvstore", "set", pb([1, "a"], [2, "1"]));
    call(host, "kvstore", "set", pb([1, "é"], [2, "2"]));
    assert.deepEqual(call(host, "kvstore", "keys", Buffer.from("x")).body, pb(STATUS_OK, [2, "a"], [2, "é"]));
    assert.equal(call(host, "kvstore", "keys", Buffer.alloc(0)).body.toString(), `{"keys":["a","é"],"status":{"code":200,"status":"OK"}}`, "an empty payload: JSON");
  });

  test(`${profile}: sql query over protobuf answers the columns in the result's order (field 4), then the rows as JSON (field 5)`, () => {
    const host = new TestHost({ profile, sql: { rows: () => [{ zeta: 1, alpha: "x" }] } });
    const r = call(host.engine, "sql", "query", pb([1, "SELECT zeta, alpha FROM t"]));
    assert.deepEqual(r.body, pb(STATUS_OK, [4, "zeta"], [4, "alpha"], [5, `[{"alpha":"x","zeta":1}]`]));
    const empty = new TestHost({ profile, sql: { rows: () => [] } });
    assert.deepEqual(call(empty.engine, "sql", "query", pb([1, "SELECT 1 WHERE false"])).body, pb(STATUS_OK, [5, "null"]), "no rows: data null");
    const failing = new TestHost({ profile, sql: { rows: () => new Error("pq: relation \"t\" does not exist") } });
    const f = call(failing.engine, "sql", "query", pb([1, "SELECT * FROM t"]));
    assert.equal(f.error, `Unable to execute query - unable to execute query - pq: relation "t" does not exist`);
    assert.deepEqual(parseProto(f.body)[5], [Buffer.from("null")], "a failed query's data is null, no columns");
    assert.equal(parseProto(f.body)[4], undefined);
  });
}

test("v0.10.0 registers no sql exec: callback not found", () => {
  const host = new TestHost({ profile: "v0.10.0", sql: { rows: () => [], exec: () => ({ rowsAffected: 1 }) } });
  assert.equal(call(host.engine, "sql", "exec", pb([1, "DELETE FROM t"])).error, HOST_ANSWERS.callbackNotFound);
});

test("main's sql exec: counts as int64 fields with zeros left out, lib/pq's missing insert id a 206 with the counts readable", () => {
  const mysql = new TestHost({ profile: "main", sql: { driver: "mysql", rows: () => [], exec: (q) => (q.startsWith("INSERT") ? { rowsAffected: 3, lastInsertId: 7 } : { rowsAffected: 0, lastInsertId: 0 }) } });
  assert.deepEqual(call(mysql.engine, "sql", "exec", pb([1, "INSERT INTO t VALUES (1), (2), (3)"])), { ok: true, body: pb(STATUS_OK, [2, 7], [3, 3]), error: null });
  assert.deepEqual(call(mysql.engine, "sql", "exec", pb([1, "CREATE TABLE t (id int)"])).body, pb(STATUS_OK), "nothing counted: the status alone");
  const pg = new TestHost({ profile: "main", sql: { rows: () => [], exec: () => ({ rowsAffected: 2 }) } });
  const text = "Unable to get last insert ID - LastInsertId is not supported by this driver";
  assert.deepEqual(call(pg.engine, "sql", "exec", pb([1, "UPDATE t SET n = 1"])), { ok: false, body: pb(statusOf(206, text), [3, 2]), error: text });
});

test("main's sql exec reads only protobuf: a payload UnmarshalVT refuses fails with an empty reply; an empty query is 400", () => {
  const host = new TestHost({ profile: "main", sql: { rows: () => [], exec: () => ({ rowsAffected: 1 }) } });
  assert.deepEqual(call(host.engine, "sql", "exec", Buffer.from(`{"query":"REVMRVRF"}`)), { ok: false, body: Buffer.alloc(0), error: "unable to unmarshal database:exec request" });
  assert.deepEqual(call(host.engine, "sql", "exec", pb([1, ""])), { ok: false, body: pb(statusOf(400, "SQL Query must be defined")), error: "SQL Query must be defined" });
  const failing = new TestHost({ profile: "main", sql: { rows: () => [], exec: () => new Error("pq: syntax error at end of input (42601)") } });
  assert.equal(call(failing.engine, "sql", "exec", pb([1, "UPDATE"])).error, "Unable to execute query - pq: syntax error at end of input (42601)", "exec's error is wrapped once, query's twice");
});

// An HTTPClient request to the route http://upstream.test/ with `headers` entries, and what the route saw.
function httpCall(profile, headerEntries, answer) {
  let seen = null;
  const host = new TestHost({ profile, realHttp: false, http: (req) => { seen = req; return answer; } });
  const r = call(host.engine, "httpclient", "call", pb([1, "GET"], ...headerEntries.map((e) => [2, e]), [3, "http://upstream.test/"]));
  return { r, seen, reply: r.body ? parseProto(r.body) : null };
}
const entries = (reply) => (reply[3] ?? []).map((e) => parseProto(e)).map((e) => [e[1][0].toString(), e[2][0]]);

test("v0.10.0 httpclient over protobuf: map<string,string> headers - each Set once (the later of a repeated key wins), the response's first value per name, lower-cased", () => {
  const { r, seen, reply } = httpCall("v0.10.0", [[[1, "x-a"], [2, "1"]], [[1, "x-a"], [2, "2"]], [[1, "accept"], [2, "text/plain"]]],
    { status: 201, headers: { "X-Multi": ["first", "second"], Server: "up" }, body: "hi" });
  assert.equal(r.ok, true);
  assert.deepEqual(seen.headers, { "X-A": "2", Accept: "text/plain" });
  assert.deepEqual(reply[2], [201n]);
  assert.deepEqual(entries(reply).map(([k, v]) => [k, v.toString()]), [["server", "up"], ["x-multi", "first"]]);
  assert.deepEqual(reply[4], [Buffer.from("hi")]);
});

test("main httpclient over protobuf: map<string,Header{values}> - every value Added, a key without a Header skipped; every response value", () => {
  const { seen, reply } = httpCall("main", [[[1, "x-a"], [2, [[1, "1"], [1, "2"]]]], [[1, "x-none"]], [[1, "Accept"], [2, [[1, "*/*"]]]]],
    { status: 200, headers: { "X-Multi": ["first", "second"] }, body: "" });
  assert.deepEqual(seen.headers, { "X-A": ["1", "2"], Accept: "*/*" });
  assert.deepEqual(entries(reply).map(([k, v]) => [k, parseProto(v)[1].map(String)]), [["x-multi", ["first", "second"]]]);
  assert.equal(reply[4], undefined, "an empty body is left out (proto3)");
});

for (const profile of PROFILES) {
  test(`${profile}: httpclient over protobuf refuses a method that is not an HTTP token with 400, before any request`, () => {
    const { r, seen } = httpCall(profile, [], { status: 200 });
    assert.equal(r.ok, true);
    const host = new TestHost({ profile, realHttp: false, http: () => assert.fail("no request is made") });
    const bad = call(host.engine, "httpclient", "call", pb([1, "GE T"], [3, "http://upstream.test/"]));
    assert.deepEqual([bad.ok, bad.error], [false, `Unable to create HTTP request - net/http: invalid method "GE T"`]);
    assert.ok(seen);
  });
}
