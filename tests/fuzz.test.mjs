// Generated inputs in volumes no hand-written test reaches: round trips of any key and value,
// hostile host replies, invalid input and injection attempts. Seeded and reproducible: set
// FUZZ_SEED to replay; the seed is printed with every failure.
import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { probeInstance, guests } from "./guests.mjs";
import { Kind, decode } from "./probe.mjs";
import { runHostile, mutate, rng } from "./fuzz/hostile.mjs";
import { runHostileCaps, rowsJson } from "./fuzz/caps.mjs";
import { expected, expectedSql } from "./fuzz/reference.mjs";
import { INVALID_UTF8, VALID_UTF8_EDGES, LEADING_ZEROS, ZERO_NUMBERS } from "./fuzz/bad-text.mjs";
import { protoGuests, runHostileProto, askProto, hostileReply, encode, varintBytes, longVarint, MUTATIONS, QUERY_VIEWS } from "./fuzz/proto-hostile.mjs";

const SEED = Number(process.env.FUZZ_SEED ?? 20261125);
const lastCall = (guest) => guest.hostCalls[guest.hostCalls.length - 1];

// Keys: any valid Unicode, heavy on what JSON escapes and what Tarmac's protobuf detection trips on.
const special = fc.constantFrom('"', "\\", "\n", "\r", "\t", "\u0000", "\u001f", "\u007f", "|", "{", "}", "<", ">", "&",
  "\u2028", "\u2029", "\ufeff", "😀", "𝄞", '","data":"eA==', '"}', "\\u0022");
const keyArb = fc.array(fc.oneof({ arbitrary: fc.string({ unit: "binary", minLength: 1, maxLength: 8 }), weight: 3 }, { arbitrary: special, weight: 2 }), { minLength: 1, maxLength: 12 })
  .map((parts) => parts.join(""));
// Values: mostly small, sometimes up to 1 MiB; large ones are made from a seed to stay fast.
const bigValue = fc.tuple(fc.integer({ min: 1, max: 1 << 20 }), fc.integer()).map(([n, s]) => {
  const b = Buffer.alloc(n);
  let x = s | 1;
  for (let i = 0; i < n; i++) { x ^= x << 13; x ^= x >>> 17; x ^= x << 5; b[i] = x & 0xff; }
  return b;
});
const valueArb = fc.oneof({ arbitrary: fc.uint8Array({ maxLength: 300 }).map((a) => Buffer.from(a)), weight: 97 }, { arbitrary: bigValue, weight: 3 });

test(`round trips: 10,000 generated keys and values are stored and read back exactly (seed ${SEED})`, async () => {
  const { host, guest, probe } = await probeInstance();
  fc.assert(fc.property(keyArb, valueArb, (key, value) => {
    const calls = guest.hostCalls.length;
    const set = probe.set(key, value);
    if (value.length === 0) {
      assert.equal(set.kind, Kind.InvalidInput);
      assert.equal(guest.hostCalls.length, calls, "no host call for invalid input");
      return;
    }
    assert.equal(set.kind, Kind.OK, set.message);
    const sent = JSON.parse(lastCall(guest).payload.toString());
    assert.deepEqual(Object.keys(sent), ["key", "data"], "no field can be injected");
    assert.equal(sent.key, key);
    assert.ok(!lastCall(guest).payload.includes(0x7c), "no raw '|'");
    assert.ok(host.store.get(key).equals(value), "stored exactly");
    assert.ok(probe.get(key).value.equals(value), "read back exactly");
    assert.ok(probe.keys().keys.includes(key), "listed exactly");
    assert.equal(probe.delete(key).kind, Kind.OK);
    host.calls.length = 0;
  }), { numRuns: 10000, seed: SEED });
});

test(`invalid input: generated keys with lone surrogates, empty and oversized inputs never reach the host (seed ${SEED})`, async () => {
  const { guest, probe } = await probeInstance();
  const lone = fc.tuple(fc.string(), fc.integer({ min: 0xd800, max: 0xdfff }), fc.string())
    .map(([a, s, b]) => a + String.fromCharCode(s) + b)
    .filter((k) => /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/.test(k));
  fc.assert(fc.property(lone, (key) => {
    for (const r of [probe.set(key, Buffer.from("v")), probe.get(key), probe.delete(key), probe.setString("k", key), probe.getString(key)]) {
      assert.equal(r.kind, Kind.InvalidInput);
    }
  }), { numRuns: 1000, seed: SEED });
  assert.equal(probe.set("k".repeat((1 << 20) + 1), Buffer.from("v")).kind, Kind.InvalidInput, "a key over 1,048,576 characters");
  assert.equal(probe.set("big", Buffer.alloc((64 << 20) + 1)).kind, Kind.InvalidInput, "a value over 64 MiB");
  assert.equal(guest.hostCalls.length, 0);
});

test(`hostile replies: 5,000 generated and mutated host replies, no trap, no wrong value (seed ${SEED})`, async () => {
  const { guest } = await probeInstance();
  guest.recordHostCalls = false;
  const { counts, failures } = runHostile(guest, { cases: 5000, seed: SEED });
  assert.deepEqual(failures, [], `replay with: npm run fuzz -- --seed <seed> --cases 1`);
  assert.equal(counts.traps, 0);
  assert.equal(counts.wrong, 0);
  assert.equal(counts.recovered, 5000, "the instance served the next call every time");
  for (const kind of ["OK", "InvalidResponse", "NotFound", "HostFailure", "InvalidInput"]) {
    assert.ok(counts.byKind[kind] > 0, `the cases reach ${kind}`);
  }
});

test(`hostile replies for HTTP, SQL, logger, metrics and function calls: 3,000 cases, no trap, no wrong value (seed ${SEED})`, async () => {
  const { guest } = await probeInstance({}, guests.caps);
  guest.recordHostCalls = false;
  const { counts, failures } = runHostileCaps(guest, { cases: 3000, seed: SEED });
  assert.deepEqual(failures, [], `replay with: npm run fuzz -- --seed <seed> --cases 1`);
  assert.equal(counts.traps + counts.wrong, 0);
  assert.equal(counts.recovered, 3000);
  for (const kind of ["OK", "InvalidResponse", "HostFailure", "Unavailable", "Conflict", "NotFound"]) assert.ok(counts.byKind[kind] > 0, kind);
});

test("the reference the fuzzer trusts agrees with hand-checked replies", () => {
  const r = (body, ok = true, error = "") => expected("get", { ok, error, body: Buffer.from(body) });
  assert.deepEqual(r(`{"status":{"code":200,"status":"OK"},"data":"aGk="}`), { kind: Kind.OK, value: Buffer.from("hi") });
  assert.deepEqual(r(`{"DATA":"aGk=","Status":{"CODE":200}}`), { kind: Kind.OK, value: Buffer.from("hi") });
  assert.deepEqual(r(`{"status":{"code":404,"status":"Unable to fetch key k - nil value returned from database"},"data":""}`, false, "x"), { kind: Kind.NotFound });
  assert.deepEqual(r(`{"status":{"code":404,"status":"Unable to fetch key k - unable to fetch data from Redis"},"data":""}`, false, "x"), { kind: Kind.HostFailure }, "a 404 without hord's ErrNil is the store failing");
  assert.deepEqual(r(`{"status":{"code":2.5e2},"data":"aGk="}`), { kind: Kind.InvalidResponse });
  assert.deepEqual(r(`{"status":{"code":200},"data":"aGk"}`), { kind: Kind.InvalidResponse });
  assert.deepEqual(r(`{"status":{"code":200}}`), { kind: Kind.InvalidResponse });
  assert.deepEqual(r(`{"status":{"code":200},"data":"aGk="}`, false, "boom"), { kind: Kind.InvalidResponse });
  assert.deepEqual(r(``, false, "callback not found"), { kind: Kind.Unavailable });
  assert.deepEqual(r(`{"status":{"code":200},"data":"aGk=","x":${"[".repeat(130)}${"]".repeat(130)}}`), { kind: Kind.InvalidResponse });
  assert.deepEqual(r(`{"status":{"code":200},"data":"aGk=","x":${"[".repeat(100)}${"]".repeat(100)}}`), { kind: Kind.OK, value: Buffer.from("hi") });
});

test("the reference rejects numbers with leading zeros and invalid UTF-8 in any string, as the SDK documents (InvalidResponse for bad UTF-8), and reads UTF-8 at its edges", () => {
  const r = (body) => expected("get", { ok: true, error: "", body: Buffer.isBuffer(body) ? body : Buffer.from(body) });
  const hi = { kind: Kind.OK, value: Buffer.from("hi") };
  for (const n of LEADING_ZEROS) {
    assert.deepEqual(r(`{"status":{"code":${n}},"data":"aGk="}`), { kind: Kind.InvalidResponse }, `"code":${n}`);
    assert.deepEqual(r(`{"status":{"code":200},"data":"aGk=","x":${n}}`), { kind: Kind.InvalidResponse }, n);
    assert.deepEqual(r(`{"status":{"code":200},"data":"aGk=","x":[1,${n}]}`), { kind: Kind.InvalidResponse }, `[1,${n}]`);
  }
  for (const n of ZERO_NUMBERS) assert.deepEqual(r(`{"status":{"code":200},"data":"aGk=","x":${n}}`), hi, n);
  const withText = (seq) => Buffer.concat([Buffer.from(`{"status":{"code":200,"status":"a`), Buffer.from(seq), Buffer.from(`b"},"data":"aGk="}`)]);
  for (const [name, seq] of Object.entries(INVALID_UTF8)) assert.deepEqual(r(withText(seq)), { kind: Kind.InvalidResponse }, name);
  for (const [name, seq] of Object.entries(VALID_UTF8_EDGES)) assert.deepEqual(r(withText(seq)), hi, name);
  // The same inside SQL rows.
  const rows = (doc) => expectedSql({ ok: true, error: "", body: Buffer.from(`{"status":{"code":200},"data":"${Buffer.from(doc).toString("base64")}"}`) }, false);
  assert.deepEqual(rows(`[{"n":0200}]`), { kind: Kind.InvalidResponse });
  assert.deepEqual(rows(Buffer.concat([Buffer.from(`[{"n":"`), Buffer.from(INVALID_UTF8["overlong '/' in 2 bytes (C0 AF)"]), Buffer.from(`"}]`)])), { kind: Kind.InvalidResponse });
});

test("the hostile generators put numbers with leading zeros, and every invalid UTF-8 sequence, inside replies and SQL rows", () => {
  const reply = { status: { code: 200, status: "OK" }, data: "aGk=" };
  const seen = { leadingZero: 0, rowsLeadingZero: 0 };
  const inString = new Set(), inRows = new Set();
  const sequences = Object.entries(INVALID_UTF8).map(([name, seq]) => [name, Buffer.concat([Buffer.from('"'), Buffer.from(seq)])]);
  for (let seed = 0; seed < 20000; seed++) {
    const bytes = mutate(rng(seed), reply);
    if (/[:\[,]\s*-?0[0-9]/.test(bytes.toString("latin1"))) seen.leadingZero++;
    const rows = rowsJson(rng(seed), false);
    if (/[:\[,]\s*-?0[0-9]/.test(rows.toString("latin1"))) seen.rowsLeadingZero++;
    for (const [name, q] of sequences) {
      if (bytes.includes(q)) inString.add(name);
      if (rows.includes(q)) inRows.add(name);
    }
  }
  assert.ok(seen.leadingZero > 100, `replies with a leading-zero number: ${seen.leadingZero}`);
  assert.ok(seen.rowsLeadingZero > 100, `rows with a leading-zero number: ${seen.rowsLeadingZero}`);
  assert.deepEqual([...inString].sort(), Object.keys(INVALID_UTF8).sort(), "each sequence right after a quote in some reply");
  assert.deepEqual([...inRows].sort(), Object.keys(INVALID_UTF8).sort(), "each sequence right after a quote in some rows");
});

test(`injection: generated URLs, headers and SQL text full of JSON syntax never change the request's structure (seed ${SEED})`, async () => {
  const { host, guest } = await probeInstance({}, guests.caps);
  guest.intercept = (call) => ({ ok: true, body: Buffer.from(call.namespace === "sql"
    ? `{"status":{"code":200,"status":"OK"},"data":"bnVsbA=="}` : `{"status":{"code":200,"status":"OK"},"code":200,"headers":null,"body":""}`) });
  const text = fc.array(fc.oneof(fc.string({ unit: "binary", maxLength: 6 }), special), { maxLength: 8 }).map((p) => p.join(""));
  const headerValue = text.map((s) => s.replace(/[\u0000-\u0008\u000a-\u001f\u007f]/g, "").replace(/[\ud800-\udfff]/g, ""));
  const u32 = (n) => { const b = Buffer.alloc(4); b.writeUInt32LE(n); return b; };
  const str16 = (s) => Buffer.concat([u32(s.length), Buffer.from(s, "utf16le")]);
  const call = (op, name, rest) => {
    const head = Buffer.alloc(5); head[0] = op; head.writeUInt32LE(name.length, 1);
    const r = guest.call(Buffer.concat([head, Buffer.from(name, "utf16le"), rest]));
    assert.ok(r.ok, r.error);
    return decode(r.body);
  };
  fc.assert(fc.property(text, headerValue, text, (path, value, query) => {
    const url = "http://127.0.0.1:9/" + encodeURI(path.replace(/[\ud800-\udfff]/g, ""));
    const nl = Buffer.alloc(2); nl.writeUInt16LE("X-Any".length);
    const req = Buffer.concat([Buffer.from([4]), Buffer.from("POST"), str16(url), Buffer.from([1]), nl, Buffer.from("X-Any", "utf16le"), str16(value), Buffer.from([0]), Buffer.from(path)]);
    assert.equal(call(9, "", req).kind, Kind.OK);
    const sent = JSON.parse(guest.hostCalls.at(-1).payload.toString()); // JSON.parse skips the guard's whitespace
    assert.deepEqual(Object.keys(sent), ["method", "headers", "url", "body", "insecure"]);
    assert.deepEqual(sent.headers, { "X-Any": value });
    assert.equal(sent.url, url);
    assert.deepEqual(Buffer.from(sent.body, "base64"), Buffer.from(path));
    if (query.length && !/[\ud800-\udfff]/.test(query)) {
      assert.equal(call(10, query, Buffer.alloc(0)).kind, Kind.OK);
      const q = JSON.parse(guest.hostCalls.at(-1).payload.toString());
      assert.deepEqual(Object.keys(q), ["query"]);
      assert.equal(Buffer.from(q.query, "base64").toString(), query);
    }
    host.calls.length = 0;
  }), { numRuns: 2000, seed: SEED });
});

// ---- The protobuf wire ---------------------------------------------------------------------

const PROTO_SEED = Number(process.env.FUZZ_SEED ?? 20261203);
const protobufGuests = protoGuests(); // kv-probe and caps-probe built for protobuf; see proto-hostile.mjs

test(`hostile protobuf replies: 20,000 generated and mutated replies for every operation on both header encodings, no trap, no wrong value (seed ${PROTO_SEED})`, async () => {
  const { counts, failures } = runHostileProto(await protobufGuests, { cases: 20000, seed: PROTO_SEED });
  assert.deepEqual(failures, [], `replay with: npm run fuzz -- --wire protobuf --seed <seed> --cases 1`);
  assert.equal(counts.traps + counts.wrong, 0);
  assert.equal(counts.recovered, 20000, "the instance served the next call every time");
  for (const kind of ["OK", "InvalidResponse", "NotFound", "HostFailure", "InvalidInput", "Unavailable", "Conflict"]) assert.ok(counts.byKind[kind] > 0, `the cases reach ${kind}`);
  const ops = ["get", "set", "delete", "keys", "exec", "counter", "http (main)", "http (v0.10.0)", ...QUERY_VIEWS.map((v) => `query (${v})`)];
  assert.deepEqual(Object.keys(counts.byOp).sort(), ops.sort());
  for (const [op, kinds] of Object.entries(counts.byOp)) {
    assert.ok(kinds.OK > 100, `${op} succeeds often: ${JSON.stringify(kinds)}`);
    if (op !== "counter") assert.ok(kinds.InvalidResponse > 100, `${op} is refused often: ${JSON.stringify(kinds)}`);
  }
});

test("the protobuf generators apply every mutation, and give values from 0 B past 64 KiB (a reply's own buffer) to 1 MiB", () => {
  const seen = {};
  const sizes = { empty: 0, small: 0, ownBuffer: 0, mebibyte: 0 };
  for (let seed = 0; seed < 30000; seed++) {
    const r = rng(seed);
    const reply = hostileReply(r, seed % 2 ? "get" : "http", { headerValues: seed % 4 === 2 });
    for (const m of reply.mutations) seen[m] = (seen[m] ?? 0) + 1;
    const n = reply.body.length;
    if (n === 0) sizes.empty++; else if (n < 65536) sizes.small++; else if (n < 1 << 20) sizes.ownBuffer++; else sizes.mebibyte++;
  }
  for (const m of MUTATIONS) assert.ok(seen[m] > 300, `${m}: ${seen[m]}`);
  assert.ok(sizes.empty > 100 && sizes.small > 10000 && sizes.ownBuffer > 300 && sizes.mebibyte > 5, JSON.stringify(sizes));
});

// A protobuf message from [number, value] pairs: a number or BigInt is a varint, a string or
// Buffer is length-delimited, an array of pairs is a nested message; a Buffer is bytes as they are.
const toField = ([num, v]) => (typeof v === "number" || typeof v === "bigint" ? { num, type: 0, value: v } : { num, type: 2, value: Array.isArray(v) ? v.map(toField) : v });
const pb = (...parts) => Buffer.concat(parts.map((p) => (Buffer.isBuffer(p) ? p : encode([toField(p)]))));
const raw = (...parts) => Buffer.concat(parts.map((p) => (Buffer.isBuffer(p) ? p : Buffer.from(p))));
const statusOf = (code, text = "") => [1, [[1, code], ...(text ? [[2, text]] : [])]];
const OK_STATUS = statusOf(200, "OK");
const ok = (value) => (value === undefined ? { kind: Kind.OK } : { kind: Kind.OK, value });
const invalid = { kind: Kind.InvalidResponse };

/**
 * Asserts that the protobuf guest and the reference both answer `expected` ({ kind, value? } in
 * the probe's terms) to `body` for `op`, and that the instance then serves an ordinary call.
 * `options`: the call's `ok` and `error`, and askProto's `headerValues` and `view`.
 */
async function answers(op, body, expected, options = {}, note = "") {
  if (typeof options === "string") [options, note] = [{}, options];
  const { ok: success = true, error = "", ...which } = options;
  const a = askProto(await protobufGuests, op, { ok: success, error, body }, which);
  const what = `${op} ${note} ${body.toString("hex").slice(0, 120)}`;
  assert.equal(a.trap, undefined, `${what}: the guest trapped`);
  assert.deepEqual(a.kind === Kind.OK && a.value !== undefined ? { kind: a.kind, value: a.value } : { kind: a.kind }, expected, `${what}: the guest (${a.message})`);
  assert.deepEqual(a.want, expected, `${what}: the reference`);
  assert.ok(a.recovered, `${what}: the instance serves the next call`);
}

test("protobuf: a get answers its data; data left out is an empty value (proto3 leaves empty bytes out); a second data field wins", async () => {
  await answers("get", pb(OK_STATUS, [2, "hi"]), ok(Buffer.from("hi")));
  await answers("get", pb(OK_STATUS), ok(Buffer.alloc(0)));
  await answers("get", pb([2, "first"], OK_STATUS, [2, "last"]), ok(Buffer.from("last")));
  const big = Buffer.alloc(100 << 10, 7);
  await answers("get", pb(OK_STATUS, [2, "x".repeat(70000)], [2, big]), ok(big), "in a reply large enough to have a buffer of its own");
});

test("protobuf: a get whose data field has the wrong wire type is InvalidResponse", async () => {
  await answers("get", raw(pb(OK_STATUS), [0x10, 5]), invalid); // field 2 as a varint
  await answers("get", raw(pb(OK_STATUS), [0x15, 1, 2, 3, 4]), invalid); // field 2 as a fixed32
  await answers("get", raw(pb(OK_STATUS), [0x11, 1, 2, 3, 4, 5, 6, 7, 8]), invalid); // field 2 as a fixed64
});

test("protobuf: a length past the end of the reply is InvalidResponse, never a trap, whatever the operation", async () => {
  for (const op of ["get", "set", "delete", "keys", "exec", "http"]) {
    await answers(op, raw(pb(OK_STATUS), [0x12, 5, 0x68, 0x69]), invalid);
    await answers(op, raw(pb(OK_STATUS), [0x12, 0xff, 0xff, 0xff, 0xff, 0x0f]), invalid); // 4 GiB
    await answers(op, raw([0x0a, 0x09, 0x08, 0xc8, 0x01]), invalid); // the Status's own length
  }
  await answers("query", raw(pb(OK_STATUS), [0x2a, 0x80, 0x80, 0x80, 0x80, 0x08]), invalid);
});

test("protobuf: repeated keys accumulate, in order, empty ones too; a key that is not UTF-8 is InvalidResponse", async () => {
  await answers("keys", pb(OK_STATUS, [2, "a"], [2, "ключ"], [2, ""], [2, "😀"], [2, "a"]), ok(["a", "ключ", "", "😀", "a"]));
  await answers("keys", pb(OK_STATUS), ok([]), "no keys: the field left out");
  await answers("keys", pb(OK_STATUS, [2, "\ufeffbom"]), ok(["\ufeffbom"]), "a leading U+FEFF is a character");
  for (const seq of Object.values(INVALID_UTF8)) await answers("keys", pb(OK_STATUS, [2, "a"], [2, raw("k", seq)]), invalid);
});

const header = (name, ...values) => [3, [[1, name], [2, [...values.map((v) => [1, v])]]]]; // main: map<string, Header>
const header010 = (name, value) => [3, [[1, name], [2, value]]]; // v0.10.0: map<string, string>
const http = (...fields) => pb(OK_STATUS, [2, 200], ...fields, [4, "body"]);
const httpOk = (headers) => ok({ status: 200, headers, body: Buffer.from("body") });

test("protobuf: both header encodings give the same headerValues, each on the Tarmac that sends it; main's carries every value", async () => {
  const one = [["content-type", ["text/plain"]], ["x-n", ["1"]]];
  await answers("http", http(header010("content-type", "text/plain"), header010("x-n", "1")), httpOk(one), { headerValues: false });
  await answers("http", http(header("content-type", "text/plain"), header("x-n", "1")), httpOk(one), { headerValues: true });
  await answers("http", http(header("set-cookie", "a=1", "b=2"), header("vary")), httpOk([["set-cookie", ["a=1", "b=2"]], ["vary", [""]]]), { headerValues: true });
});

test("protobuf: a header name given twice keeps its last entry, values and all (a protobuf map keeps the last)", async () => {
  await answers("http", http(header("a", "x", "y"), header("a", "z")), httpOk([["a", ["z"]]]), { headerValues: true });
  await answers("http", http(header010("a", "x"), header010("a", "z")), httpOk([["a", ["z"]]]), { headerValues: false });
});

test("protobuf: a Header value given twice in one entry is one Header with the values of both (protobuf merges a message)", async () => {
  await answers("http", http([3, [[1, "a"], [2, [[1, "x"]]], [2, [[1, "y"]]]]]), httpOk([["a", ["x", "y"]]]), { headerValues: true });
  await answers("http", http([3, [[1, "a"], [2, "x"], [2, "y"]]]), httpOk([["a", ["y"]]]), { headerValues: false });
});

test("protobuf: a known field with the wrong wire type is InvalidResponse at any depth: the Status, a header entry, a Header", async () => {
  await answers("set", raw([0x0a, 0x08, 0x08, 0xc8, 0x01, 0x15, 1, 2, 3, 4]), invalid); // Status.status as a fixed32
  await answers("set", raw([0x0a, 0x05, 0x08, 0xc8, 0x01, 0x10, 0x01]), invalid); // Status.status as a varint
  await answers("set", raw([0x0a, 0x07, 0x08, 0xc8, 0x01, 0x0d, 0xc8, 0, 0, 0]), invalid); // a second Status.code as a fixed32
  await answers("http", http(raw([0x1a, 0x02, 0x08, 0x01])), invalid, { headerValues: true }); // an entry's name as a varint
  await answers("http", http(raw([0x1a, 0x05, 0x0a, 0x01, 0x61, 0x10, 0x01])), invalid, { headerValues: false }); // an entry's value as a varint
  await answers("http", http(raw([0x1a, 0x07, 0x0a, 0x01, 0x61, 0x12, 0x02, 0x08, 0x01])), invalid, { headerValues: true }); // Header.values as a varint
});

test("protobuf: an int32 is its varint's low 32 bits (an upstream code of 2^32 + 200 is 200, a status of 2^32 + 404 is 404); an int64 is all 64", async () => {
  await answers("http", pb(OK_STATUS, [2, 2n ** 32n + 200n]), ok({ status: 200, headers: [], body: Buffer.alloc(0) }));
  await answers("http", pb(OK_STATUS, [2, -1]), invalid, "a negative upstream code");
  await answers("http", pb(OK_STATUS, [2, 1000]), invalid, "an upstream code over 999");
  await answers("http", pb(OK_STATUS, [2, 1000], [2, 200]), invalid, "the SDK checks every code it reads, even one a later field replaces");
  await answers("delete", pb(statusOf(2 ** 32 + 404, "gone")), { kind: Kind.HostFailure });
  const counts = (rows, id) => ({ rowsAffected: rows, lastInsertId: id, hasRowsAffected: true, hasLastInsertId: true });
  await answers("exec", pb(OK_STATUS, [2, -1], [3, 2n ** 40n]), ok(counts(2n ** 40n, -1n)));
  await answers("exec", pb(OK_STATUS, [2, 2n ** 63n]), ok(counts(0n, -(2n ** 63n))));
});

test("protobuf: sql exec's 206 on a failed call is a success whose status says which count is missing", async () => {
  const text = "Unable to get last insert ID - LastInsertId is not supported by this driver";
  await answers("exec", pb(statusOf(206, text), [3, 2]), ok({ rowsAffected: 2n, lastInsertId: 0n, hasRowsAffected: true, hasLastInsertId: false }), { ok: false, error: text });
  const rows = "Unable to get rows affected - driver: RowsAffected not supported";
  await answers("exec", pb(statusOf(206, rows), [2, 9]), ok({ rowsAffected: 0n, lastInsertId: 9n, hasRowsAffected: false, hasLastInsertId: true }), { ok: false, error: rows });
  await answers("exec", pb(statusOf(201, "x")), invalid, { ok: false, error: "x" });
});

test("protobuf: a sql query's columns come in order; its data left out is no rows, as an empty data field is", async () => {
  await answers("query", pb(OK_STATUS, [4, "b"], [4, "a"], [4, "列"], [5, `[{"a":1,"b":"x","列":null}]`]), ok({ inOrder: true, rows: 1, columns: ["b", "a", "列"] }));
  await answers("query", pb(OK_STATUS, [4, "id"]), ok({ inOrder: true, rows: 0, columns: ["id"] }));
  await answers("query", raw(pb(OK_STATUS, [4, "id"]), [0x2a, 0]), ok({ inOrder: true, rows: 0, columns: ["id"] }));
  await answers("query", pb(OK_STATUS, [5, "null"]), ok({ rows: [] }), { view: "rows" });
  await answers("query", pb(OK_STATUS, [5, `[{"n":0200}]`]), invalid, { view: "rows" });
});

test("protobuf: varints of up to 10 bytes are read, over-long ones too; an 11th byte or a 10th byte over 1 is InvalidResponse", async () => {
  const status = (code) => raw([0x0a, code.length + 1, 0x08], code);
  await answers("set", status(longVarint(200, 10)), ok());
  await answers("set", raw(longVarint(0x0a, 10), [3, 0x08, 0xc8, 0x01]), ok(), "an over-long tag");
  await answers("set", status(longVarint(200, 11)), invalid);
  await answers("set", status(raw(longVarint(200, 9), [0x02])), invalid);
  await answers("set", status(raw([0xc8, 0x81])), invalid, "cut short");
});

test("protobuf: unknown fields of wire types 0, 1, 2 and 5 are skipped; groups (3, 4), wire types 6 and 7, field 0 and fields past 2^29 - 1 are InvalidResponse", async () => {
  await answers("get", raw(pb(OK_STATUS, [2, "v"]), [0x48, 0x96, 0x01, 0x49, 1, 2, 3, 4, 5, 6, 7, 8, 0x4a, 1, 0xff, 0x4d, 1, 2, 3, 4], pb([99, [[1, 5]]])), ok(Buffer.from("v")));
  for (const extra of [[0x4b, 0x4c], [0x4b, 0x48, 0x01, 0x4c], [0x4c], [0x4e], [0x4f, 0], [0x02, 0x00], [0x00]]) {
    await answers("get", raw(pb(OK_STATUS, [2, "v"]), extra), invalid);
  }
  await answers("get", raw(pb(OK_STATUS), varintBytes((2n ** 29n) << 3n), [0x01]), invalid, "field 2^29");
  await answers("get", raw(pb(OK_STATUS), varintBytes(((2n ** 29n - 1n) << 3n) | 2n), [0x00]), ok(Buffer.alloc(0)), "field 2^29 - 1 is unknown, skipped");
});

test("protobuf: a Status given twice is one Status (the code of one, the text of the other); a status text that is not UTF-8 is InvalidResponse", async () => {
  const missing = "Unable to fetch key k - nil value returned from database";
  await answers("get", pb(statusOf(404), [1, [[2, missing]]]), { kind: Kind.NotFound });
  await answers("get", pb([1, [[2, "first"]]], statusOf(200)), ok(Buffer.alloc(0)));
  for (const seq of Object.values(INVALID_UTF8)) await answers("get", pb(statusOf(200, raw("O", seq, "K")), [2, "v"]), invalid);
  for (const seq of Object.values(VALID_UTF8_EDGES)) await answers("get", pb(statusOf(200, raw("O", seq, "K")), [2, "v"]), ok(Buffer.from("v")));
});

test("protobuf: the status decides: NotFound only for a 404 get ending in hord's ErrNil, 400 InvalidInput, other codes from 400 HostFailure, none or one outside 100-599 InvalidResponse", async () => {
  const missing = "Unable to fetch key k - nil value returned from database";
  const failed = (text) => ({ ok: false, error: text });
  await answers("get", pb(statusOf(404, missing)), { kind: Kind.NotFound }, failed(missing));
  await answers("get", pb(statusOf(404)), { kind: Kind.NotFound }, failed(missing), "no status text: the call's error counts");
  await answers("get", pb(statusOf(404, "Unable to fetch key k - unable to fetch data from Redis")), { kind: Kind.HostFailure }, failed("x"));
  await answers("delete", pb(statusOf(404, missing)), { kind: Kind.HostFailure }, failed(missing));
  await answers("set", pb(statusOf(400, "Error Parsing Input")), { kind: Kind.InvalidInput }, failed("Error Parsing Input"));
  await answers("keys", pb(statusOf(503, "down")), { kind: Kind.HostFailure }, failed("down"));
  for (const body of [pb(), pb([2, "v"]), pb(statusOf(0, "OK")), pb([1, []]), pb(statusOf(99)), pb(statusOf(600)), pb(statusOf(-200))]) await answers("get", body, invalid);
  await answers("set", pb(OK_STATUS), invalid, failed("boom"), "a success on a failed call");
});

test("protobuf: an empty reply is Unavailable for `callback not found`, HostFailure for any other failure, InvalidResponse on a success; metrics read no body", async () => {
  for (const op of ["get", "set", "delete", "keys", "query", "http"]) {
    await answers(op, Buffer.alloc(0), { kind: Kind.Unavailable }, { ok: false, error: "callback not found" });
    await answers(op, Buffer.alloc(0), { kind: Kind.HostFailure }, { ok: false, error: "boom" });
    await answers(op, Buffer.alloc(0), invalid);
  }
  await answers("counter", raw([0xff, 0x0b]), ok());
  await answers("counter", pb(OK_STATUS), { kind: Kind.Conflict }, { ok: false, error: "metric name in use" });
});
