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
