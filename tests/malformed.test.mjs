// Nothing the host returns can make the guest trap: every malformed reply is an
// InvalidResponse error and the same instance serves the next call.
import { test } from "node:test";
import assert from "node:assert/strict";
import { probeInstance, guests } from "./guests.mjs";
import { Kind, decode } from "./probe.mjs";
import { CapsOp, capsRequest, httpCallRequest } from "./caps.mjs";
import { MESSAGES } from "../scripts/messages.mjs";
import { INVALID_UTF8, VALID_UTF8_EDGES, LEADING_ZEROS, ZERO_NUMBERS } from "./fuzz/bad-text.mjs";

const S = `"status":{"code":200,"status":"OK"}`;

// Bodies for a successful (ok=1) get that must each be rejected as an invalid response.
export const MALFORMED_GET = [
  "", "   ", "{", "}", "null", "[]", "true", "0", `"str"`, "{}", `{"data":"aGk="}`,
  `{${S},"data":"aGk="} trailing`, `{${S},"data":"aGk="}}`, `{${S},"data":"aGk="`, `{${S},"data":"aG`,
  `{${S},"data":5}`, `{${S},"data":true}`, `{${S},"data":[]}`, `{${S},"data":{}}`, `{${S}}`,
  `{"status":{"code":"200","status":"OK"},"data":"aGk="}`, `{"status":{"code":2.5e2},"data":"aGk="}`,
  `{"status":{"code":200.0},"data":"aGk="}`, `{"status":{"code":99999999999},"data":"aGk="}`,
  `{"status":{"code":-1},"data":"aGk="}`, `{"status":{"code":0},"data":"aGk="}`, `{"status":{"code":1e400},"data":"aGk="}`,
  `{"status":{"code":007},"data":"aGk="}`, `{"status":{"code":-},"data":"aGk="}`, `{"status":{"code":+200},"data":"aGk="}`,
  `{"status":{"code":200,"status":5},"data":"aGk="}`, `{"status":null,"data":"aGk="}`, `{"status":[],"data":"aGk="}`,
  `{"status":"OK","data":"aGk="}`, `{${S},"data":"aGk"}`, `{${S},"data":"aGk=\\n"}`, `{${S},"data":" aGk="}`,
  `{${S},"data":"é==="}`, `{${S},"data":"@@@@"}`, `{${S},"data":"===="}`, `{${S},"data":"aGVsbG8=aGVsbG8="}`,
  `{${S},"data":"aGk=="}`, `{${S},"data":"aGl="}`, `{${S},"data":"aR=="}`, `{${S},"data":"a==="}`,
  `{${S},"data":"aGk=",}`, `{${S},,"data":"aGk="}`, `{${S} "data":"aGk="}`, `{'data':'aGk='}`,
  `{${S},"data":"aGk=\u0001"}`, `{${S},"data":"\\x41"}`, `{${S},"data":"\\u12"}`, `{${S},"x":"\\ud800\\u"}`,
  `{${S},"x":${"[".repeat(5000)}${"]".repeat(5000)},"data":"aGk="}`, `{${S},"x":${"[".repeat(100000)}}`,
  `{${S},"x":NaN,"data":"aGk="}`, `{${S},"x":01,"data":"aGk="}`, `{${S},"x":1.,"data":"aGk="}`, `{${S},"x":.5,"data":"aGk="}`,
  `{${S},"x":1e,"data":"aGk="}`, `{${S},"x":1e+,"data":"aGk="}`, `{${S},"x":-01,"data":"aGk="}`, `{${S},"x":1.e5,"data":"aGk="}`, `{${S},"x":-,"data":"aGk="}`,
  `{${S},"x":nul,"data":"aGk="}`, `{${S},"x":tru,"data":"aGk="}`, `{${S},"x":falsey,"data":"aGk="}`,
];

// Invalid UTF-8 inside strings, as raw bytes.
const BAD_UTF8 = [
  Buffer.concat([Buffer.from(`{${S},"data":"aGk=","x":"`), Buffer.from([0x6b, 0xff, 0xfe, 0x6b]), Buffer.from(`"}`)]),
  Buffer.concat([Buffer.from(`{${S},"data":"aGk=","x":"`), Buffer.from([0xc0, 0x80]), Buffer.from(`"}`)]),
  Buffer.concat([Buffer.from(`{${S},"data":"aGk=","x":"`), Buffer.from([0xed, 0xa0, 0x80]), Buffer.from(`"}`)]),
  Buffer.concat([Buffer.from(`{${S},"data":"aGk=","x":"`), Buffer.from([0xf4, 0x90, 0x80, 0x80]), Buffer.from(`"}`)]),
  Buffer.concat([Buffer.from(`{${S},"data":"aGk=","x":"`), Buffer.from([0xe2, 0x82]), Buffer.from(`"}`)]),
  Buffer.concat([Buffer.from(`{${S},"data":"aGk=","x":"`), Buffer.from([0xe2])]),
];

async function expectInvalid(bodies, operation, call, ok = true) {
  const { guest, probe } = await probeInstance();
  probe.set("k", Buffer.from("good"));
  for (const body of bodies) {
    guest.intercept = (c) => (c.operation === operation ? { ok, error: ok ? undefined : "failed", body: Buffer.from(body) } : undefined);
    const r = call(probe);
    assert.equal(r.kind, Kind.InvalidResponse, `${operation} ${JSON.stringify(body.toString()).slice(0, 120)} -> ${r.kind} ${r.message}`);
    guest.intercept = null;
    assert.deepEqual(probe.get("k").value, Buffer.from("good"), "the next call on the instance succeeds");
  }
}

test("get: malformed JSON, wrong types, bad status, bad base64 and bad UTF-8 are invalid responses", async () => {
  await expectInvalid([...MALFORMED_GET, ...BAD_UTF8], "get", (p) => p.get("k"));
});

test("get: the same bodies on a failed host call are invalid responses too (not not-found)", async () => {
  await expectInvalid(MALFORMED_GET.filter((b) => b.trim() !== ""), "get", (p) => p.get("k"), false);
});

test("set, delete and keys: malformed replies are invalid responses", async () => {
  const status = MALFORMED_GET.filter((b) => !b.startsWith(`{${S}`) && b !== `{"data":"aGk="}`);
  await expectInvalid(status, "set", (p) => p.set("k2", Buffer.from("v")));
  await expectInvalid(status, "delete", (p) => p.delete("k2"));
  const keys = [...status, `{${S},"keys":"a"}`, `{${S},"keys":[1]}`, `{${S},"keys":[null]}`, `{${S},"keys":["a",]}`,
    `{${S},"keys":["a" "b"]}`, `{${S},"keys":{}}`, `{${S},"keys":["\\ud800x"],"x":}`];
  await expectInvalid(keys, "keys", (p) => p.keys());
});

test("a host that announces a body larger than the runtime can hold is an invalid response", async () => {
  const { guest, probe } = await probeInstance();
  probe.set("k", Buffer.from("good"));
  guest.intercept = () => ({ ok: true, body: Buffer.alloc(0), bodyLen: 0x7fffffff });
  assert.equal(probe.get("k").kind, Kind.InvalidResponse);
  guest.intercept = null;
  assert.deepEqual(probe.get("k").value, Buffer.from("good"));
});

test("a response with 'data': null is an invalid response (Tarmac always sends a string)", async () => {
  const { guest, probe } = await probeInstance();
  guest.intercept = () => ({ ok: true, body: Buffer.from(`{${S},"data":null}`) });
  assert.equal(probe.get("k").kind, Kind.InvalidResponse);
});

test("escaped lone surrogates in keys become U+FFFD, as in Go; escaped pairs are kept", async () => {
  const { guest, probe } = await probeInstance();
  guest.intercept = () => ({ ok: true, body: Buffer.from(`{${S},"keys":["a\\ud800b","\\ud83d\\ude00","\\u003c\\u0026\\u003e","\\"\\\\\\/\\b\\f\\n\\r\\t"]}`) });
  assert.deepEqual(probe.keys().keys, ["a\ufffdb", "😀", "<&>", "\"\\/\b\f\n\r\t"]);
});

// The HTTP client and SQL through caps-probe: each call answered with `reply`, then an ordinary call.
async function capsInstance() {
  const { guest } = await probeInstance({}, guests.caps);
  const answer = (request, reply) => {
    guest.intercept = () => reply;
    const r = guest.call(request);
    guest.intercept = null;
    assert.ok(r.ok, `the guest trapped: ${r.error}`);
    assert.equal(decode(guest.call(capsRequest(CapsOp.COUNTER, "served_after")).body).kind, Kind.OK, "the next call on the instance succeeds");
    return decode(r.body);
  };
  return {
    http: (reply) => answer(httpCallRequest("GET", "http://127.0.0.1:9/x"), reply),
    sql: (reply) => answer(capsRequest(CapsOp.SQL, "SELECT 1"), reply),
    mysql: (reply) => answer(capsRequest(CapsOp.MYSQL, "SELECT 1"), reply),
  };
}

// An httpclient reply Tarmac could send, with the upstream's `code` written as `code` (JSON text).
const httpReply = (code) => ({ ok: true, body: Buffer.from(`{${S},"code":${code},"headers":{"a":"b"},"body":"aGk="}`) });

test("httpclient: an upstream code that is a number but not an integer in 0-999 is InvalidResponse with the SDK's message for a field of the wrong type", async () => {
  const { http } = await capsInstance();
  for (const code of ["-1", "1000", "2.5", "1e3", "200.0", "2e2", "99999999999", "9223372036854775808", "-2147483649"]) {
    const r = http(httpReply(code));
    assert.deepEqual([r.kind, r.message], [Kind.InvalidResponse, MESSAGES.E_WRONG_TYPE], `"code":${code}`);
  }
  for (const code of [0, 100, 200, 999]) {
    const r = http(httpReply(String(code)));
    assert.equal(r.kind, Kind.OK, `"code":${code} is read: ${r.message}`);
    assert.equal(r.rest.readUInt32LE(0), code);
  }
});

test("httpclient: an upstream code that is not a JSON number (a string, null, true, leading zeros) makes the reply unreadable: InvalidResponse, 'response is not valid JSON'", async () => {
  const { http } = await capsInstance();
  for (const code of [`"200"`, `""`, "null", "true", "[200]", "{}", "0200", "-01", "00", "+200"]) {
    const r = http(httpReply(code));
    assert.deepEqual([r.kind, r.message], [Kind.InvalidResponse, MESSAGES.E_INVALID_JSON], `"code":${code}`);
  }
});

// Replies with no status code: none at all, an empty status, a status with only its text, null ones.
const NO_STATUS = [`{}`, `{"status":{}}`, `{"status":{"status":"OK"}}`, `{"status":null}`, `{"status":{"code":null,"status":"OK"}}`, `{"Status":{"Status":"OK"}}`];

test("a reply without a status code is InvalidResponse, 'response has no status code', for key:value get, set, delete and keys", async () => {
  const { guest, probe } = await probeInstance();
  probe.set("k", Buffer.from("good"));
  const extra = { get: `,"data":"aGk="`, set: "", delete: "", keys: `,"keys":["a"]` };
  const calls = { get: (p) => p.get("k"), set: (p) => p.set("k2", Buffer.from("v")), delete: (p) => p.delete("k2"), keys: (p) => p.keys() };
  for (const [operation, call] of Object.entries(calls)) {
    for (const doc of NO_STATUS) {
      for (const body of [doc, doc.replace(/}$/, `${extra[operation]}}`).replace("{,", "{")]) {
        for (const ok of [true, false]) {
          guest.intercept = (c) => (c.operation === operation ? { ok, error: ok ? undefined : "boom", body: Buffer.from(body) } : undefined);
          const r = call(probe);
          guest.intercept = null;
          assert.deepEqual([r.kind, r.message], [Kind.InvalidResponse, MESSAGES.E_NO_STATUS], `${operation} ${ok ? "ok" : "failed"} ${body}`);
          assert.deepEqual(probe.get("k").value, Buffer.from("good"), "the next call on the instance succeeds");
        }
      }
    }
  }
});

test("a reply without a status code is InvalidResponse, 'response has no status code', for the HTTP client and SQL (PostgreSQL and MySQL)", async () => {
  const { http, sql, mysql } = await capsInstance();
  const extra = { http: `,"code":200,"headers":null,"body":"aGk="`, sql: `,"data":"W10="`, mysql: `,"data":"W10="` };
  for (const [name, call] of Object.entries({ http, sql, mysql })) {
    for (const doc of NO_STATUS) {
      for (const body of [doc, doc.replace(/}$/, `${extra[name]}}`).replace("{,", "{")]) {
        for (const ok of [true, false]) {
          const r = call({ ok, error: ok ? undefined : "boom", body: Buffer.from(body) });
          assert.deepEqual([r.kind, r.message], [Kind.InvalidResponse, MESSAGES.E_NO_STATUS], `${name} ${ok ? "ok" : "failed"} ${body}`);
        }
      }
    }
  }
});

// A reply with `seq` (bytes) inside a string: the status text, a key of keys, an unknown member's name.
const inStrings = (seq) => {
  const b = (...parts) => Buffer.concat(parts.map((x) => (typeof x === "string" ? Buffer.from(x) : Buffer.from(seq))));
  return {
    get: [b(`{"status":{"code":200,"status":"O`, 0, `K"},"data":"aGk="}`), b(`{${S},"data":"aGk=","`, 0, `":1}`)],
    keys: [b(`{${S},"keys":["a`, 0, `b"]}`)],
    http: [b(`{${S},"code":200,"headers":{"x":"`, 0, `"},"body":"aGk="}`), b(`{${S},"code":200,"headers":{"`, 0, `":"v"},"body":"aGk="}`)],
  };
};

test("numbers with a leading zero anywhere in a reply (0200, -01, 00, ...) are InvalidResponse, 'response is not valid JSON'; 0, -0, 0.5 and 0e5 are read", async () => {
  const { guest, probe } = await probeInstance();
  probe.set("k", Buffer.from("good"));
  const get = (body) => { guest.intercept = () => ({ ok: true, body: Buffer.from(body) }); const r = probe.get("k"); guest.intercept = null; return r; };
  for (const n of LEADING_ZEROS) {
    for (const body of [`{"status":{"code":${n},"status":"OK"},"data":"aGk="}`, `{${S},"data":"aGk=","x":${n}}`, `{${S},"x":[1,${n}],"data":"aGk="}`]) {
      const r = get(body);
      assert.deepEqual([r.kind, r.message], [Kind.InvalidResponse, MESSAGES.E_INVALID_JSON], body);
      assert.deepEqual(probe.get("k").value, Buffer.from("good"), "the next call on the instance succeeds");
    }
  }
  for (const n of ZERO_NUMBERS) assert.deepEqual(get(`{${S},"data":"aGk=","x":${n}}`).value, Buffer.from("hi"), n);
  const { http, sql } = await capsInstance();
  for (const n of LEADING_ZEROS) {
    const r = http({ ok: true, body: Buffer.from(`{"status":{"code":${n}},"code":200,"headers":null,"body":"aGk="}`) });
    assert.deepEqual([r.kind, r.message], [Kind.InvalidResponse, MESSAGES.E_INVALID_JSON], `http status code ${n}`);
    const rows = sql({ ok: true, body: Buffer.from(`{${S},"data":"${Buffer.from(`[{"n":${n}}]`).toString("base64")}"}`) });
    assert.deepEqual([rows.kind, rows.message], [Kind.InvalidResponse, MESSAGES.E_BAD_ROWS], `rows [{"n":${n}}]`);
  }
});

test("overlong, surrogate, above-U+10FFFF and cut-short UTF-8 in any string of a reply is InvalidResponse, 'response is not valid JSON'; valid UTF-8 at its edges is read", async () => {
  const { guest, probe } = await probeInstance();
  probe.set("k", Buffer.from("good"));
  const answer = (operation, body, call) => { guest.intercept = (c) => (c.operation === operation ? { ok: true, body } : undefined); const r = call(); guest.intercept = null; return r; };
  const { http, sql } = await capsInstance();
  for (const [name, seq] of Object.entries(INVALID_UTF8)) {
    const bodies = inStrings(seq);
    for (const body of bodies.get) assert.deepEqual(pick(answer("get", body, () => probe.get("k"))), [Kind.InvalidResponse, MESSAGES.E_INVALID_JSON], `get: ${name}`);
    for (const body of bodies.keys) assert.deepEqual(pick(answer("keys", body, () => probe.keys())), [Kind.InvalidResponse, MESSAGES.E_INVALID_JSON], `keys: ${name}`);
    for (const body of bodies.http) assert.deepEqual(pick(http({ ok: true, body })), [Kind.InvalidResponse, MESSAGES.E_INVALID_JSON], `http: ${name}`);
    const rows = Buffer.concat([Buffer.from(`[{"n":"`), Buffer.from(seq), Buffer.from(`"}]`)]);
    assert.deepEqual(pick(sql({ ok: true, body: Buffer.from(`{${S},"data":"${rows.toString("base64")}"}`) })), [Kind.InvalidResponse, MESSAGES.E_BAD_ROWS], `rows: ${name}`);
    assert.deepEqual(probe.get("k").value, Buffer.from("good"), "the next call on the instance succeeds");
  }
  for (const [name, seq] of Object.entries(VALID_UTF8_EDGES)) {
    const bodies = inStrings(seq);
    for (const body of bodies.get) assert.deepEqual(answer("get", body, () => probe.get("k")).value, Buffer.from("hi"), `get: ${name}`);
    assert.deepEqual(answer("keys", bodies.keys[0], () => probe.keys()).keys, [`a${Buffer.from(seq).toString()}b`], `keys: ${name}`);
    for (const body of bodies.http) assert.equal(http({ ok: true, body }).kind, Kind.OK, `http: ${name}`);
  }
});

const pick = (r) => [r.kind, r.message];
