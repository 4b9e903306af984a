// Nothing the host returns can make the guest trap: every malformed reply is an
// InvalidResponse error and the same instance serves the next call.
import { test } from "node:test";
import assert from "node:assert/strict";
import { probeInstance, guests } from "./guests.mjs";
import { Kind, decode } from "./probe.mjs";
import { CapsOp, capsRequest, httpCallRequest } from "./caps.mjs";
import { MESSAGES } from "../scripts/messages.mjs";
import { INVALID_UTF8, VALID_UTF8_EDGES, LEADING_ZEROS, ZERO_NUMBERS } from "./fuzz/bad-text.mjs";
import { protoGuests, askProto } from "./fuzz/proto-hostile.mjs";

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

// ---- The protobuf wire: the guests built for protobuf (tests/fuzz/proto-hostile.mjs) ----------

const hex = (s) => Buffer.from(s.replace(/ /g, ""), "hex");
const PB_OK = hex("0a 07 08c801 12024f4b"); // Status { code: 200, status: "OK" }
const pbWith = (s) => Buffer.concat([PB_OK, hex(s)]);
const badUtf8 = INVALID_UTF8["overlong '/' in 2 bytes (C0 AF)"];

// Replies no protobuf reply may be: each is refused whatever the operation.
const MALFORMED_PROTO = {
  "empty": Buffer.alloc(0),
  "a JSON reply ('{' is a group's start)": Buffer.from(`{"status":{"code":200,"status":"OK"},"data":"aGk="}`),
  "a tag alone": hex("0a"),
  "the Status's length past the end": hex("0a 09 08c801"),
  "a 4 GiB length": hex("0a ffffffff0f 08c801"),
  "a varint cut short": hex("0a 02 08c8"),
  "an 11-byte varint": hex("0a 0c 08 c8818080808080808080 00"),
  "a varint's 10th byte over 1": hex("0a 0b 08 c881808080808080 8002"),
  "field number 0": pbWith("02 00"),
  "field number 2^29": pbWith("8080808010 00"),
  "a group": pbWith("4b 4801 4c"),
  "an end group alone": pbWith("4c"),
  "wire type 6": pbWith("4e 00"),
  "wire type 7": pbWith("4f 00"),
  "the Status as a fixed32": hex("0d c8000000"),
  "the Status's code as a fixed32": hex("0a 05 0d c8000000"),
  "the Status's text as a varint": hex("0a 05 08c801 1001"),
  "garbage inside the Status": hex("0a 03 ffffff"),
  "a Status text that is not UTF-8": Buffer.concat([hex("0a 07 08c801 1203 4f"), Buffer.from(badUtf8)]),
  "no status": hex("2202 6869"),
  "status code 0": hex("0a 02 0800"),
  "status code 99": hex("0a 02 0863"),
  "status code 600": hex("0a 03 08d804"),
  "status code -1": hex("0a 0b 08 ffffffffffffffffff01"),
  "a valid reply, then a byte": pbWith("ff"),
};

// Replies refused for one operation (its own fields malformed).
const MALFORMED_PROTO_FOR = {
  get: { "data as a varint": pbWith("1005"), "data as a fixed64": pbWith("11 0102030405060708"), "data past the end": pbWith("12 05 6869") },
  keys: { "a key as a varint": pbWith("1001"), "a key that is not UTF-8": Buffer.concat([pbWith("12 03 61"), Buffer.from(badUtf8)]), "a key past the end": pbWith("12 09 61") },
  http: {
    "the upstream code as bytes": pbWith("12 01 00"), "an upstream code of 1000": pbWith("10 e807"), "a negative upstream code": pbWith("10 ffffffffffffffffff01"),
    "a header entry of garbage": pbWith("1a 03 ffffff"), "a header name as a varint": pbWith("1a 02 0801"), "a header name that is not UTF-8": Buffer.concat([pbWith("1a 04 0a 02"), Buffer.from(badUtf8)]),
    "a Header's values as a varint": pbWith("1a 07 0a0161 1202 0801"), "the body as a varint": pbWith("2001"),
  },
  query: { "a column that is not UTF-8": Buffer.concat([pbWith("22 02"), Buffer.from(badUtf8)]), "the rows as a varint": pbWith("2801"), "rows that are not JSON": pbWith("2a 02 5b7b"), "rows of numbers": pbWith("2a 03 5b315d") },
  exec: { "rows affected as a fixed64": pbWith("19 0100000000000000"), "the insert id as bytes": pbWith("12 01 01") },
};

async function expectInvalidProto(operation, bodies, { ok = true } = {}) {
  const guests = await protobufGuests;
  for (const [name, body] of Object.entries(bodies)) {
    if (!ok && body.length === 0) continue; // an empty failed reply is the host's failure, not a reply
    const r = askProto(guests, operation, { ok, error: ok ? "" : "failed", body });
    assert.equal(r.trap, undefined, `${operation}: ${name}: the guest trapped`);
    assert.equal(r.kind, Kind.InvalidResponse, `${operation}: ${name} -> ${r.kind} ${r.message}`);
    assert.ok(r.recovered, `${operation}: ${name}: the next call on the instance succeeds`);
  }
}
const protobufGuests = protoGuests();

test("protobuf: cut-short, over-long, misnumbered, mistyped and group-holding replies, and bad statuses, are invalid responses for every operation", async () => {
  for (const operation of ["get", "set", "delete", "keys", "query", "exec", "http"]) await expectInvalidProto(operation, MALFORMED_PROTO);
});

test("protobuf: the same bodies on a failed host call are invalid responses too (not not-found)", async () => {
  for (const operation of ["get", "delete", "http"]) await expectInvalidProto(operation, MALFORMED_PROTO, { ok: false });
});

test("protobuf: an operation's own fields of the wrong type, past the end, not UTF-8 or out of range are invalid responses", async () => {
  for (const [operation, bodies] of Object.entries(MALFORMED_PROTO_FOR)) await expectInvalidProto(operation, bodies);
});

test("protobuf: invalid UTF-8 of every kind in a status text, a key, a column or a header is an invalid response; UTF-8 at its edges is read", async () => {
  const guests = await protobufGuests;
  const str = (tag, seq) => Buffer.concat([hex(tag), Buffer.from([seq.length + 2, 0x61]), Buffer.from(seq), Buffer.from("b")]);
  for (const [name, seq] of Object.entries(INVALID_UTF8)) {
    const status = Buffer.concat([hex("0a"), Buffer.from([seq.length + 7]), hex("08c801 12"), Buffer.from([seq.length + 2, 0x61]), Buffer.from(seq), Buffer.from("b")]);
    for (const [operation, body] of [["set", status], ["keys", Buffer.concat([PB_OK, str("12", seq)])], ["query", Buffer.concat([PB_OK, str("22", seq)])]]) {
      const r = askProto(guests, operation, { ok: true, error: "", body });
      assert.deepEqual([r.kind, r.recovered], [Kind.InvalidResponse, true], `${operation}: ${name}`);
    }
  }
  for (const [name, seq] of Object.entries(VALID_UTF8_EDGES)) {
    const r = askProto(guests, "keys", { ok: true, error: "", body: Buffer.concat([PB_OK, str("12", seq)]) });
    assert.deepEqual(r.value, [`a${Buffer.from(seq).toString()}b`], `keys: ${name}`);
  }
});

test("protobuf: a host that announces a body larger than the runtime can hold is an invalid response", async () => {
  const guests = await protobufGuests;
  for (const operation of ["get", "keys", "query", "exec", "http"]) {
    const r = askProto(guests, operation, { ok: true, error: "", body: Buffer.alloc(0), bodyLen: 0x7fffffff });
    assert.deepEqual([r.kind, r.message, r.recovered], [Kind.InvalidResponse, MESSAGES.E_RESPONSE_TOO_LARGE, true], operation);
  }
});
