// tarmac-as/host, the shipped test host: each option and method as a function author uses them,
// on the compiled examples; and the README's test file, run as written against the README's function.
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync, mkdirSync, readFileSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { TestHost, ManualClock } from "../host/index.mjs";
import { guests } from "./guests.mjs";
import { request, Op } from "./probe.mjs";
import { examples, root } from "../scripts/examples.mjs";
import { buildWasm } from "../scripts/build.mjs";

const wasm = (name) => examples().find((e) => e.name === name).wasm;
const work = mkdtempSync(join(tmpdir(), "tarmac-as-host-"));
after(() => rmSync(work, { recursive: true, force: true }));

test("the README's test file passes as written, against the README's first function", async () => {
  const readme = readFileSync(join(root, "README.md"), "utf8");
  const fn = /`assembly\/main\.ts`:\n\n```ts\n([\s\S]*?)```/.exec(readme)[1];
  const spec = /```js\n(\/\/ tests\/main\.test\.mjs[\s\S]*?)```/.exec(readme)[1];
  mkdirSync(join(work, "readme", "assembly"), { recursive: true });
  mkdirSync(join(work, "readme", "tests"), { recursive: true });
  mkdirSync(join(work, "readme", "node_modules"), { recursive: true });
  symlinkSync(root, join(work, "readme", "node_modules", "tarmac-as"));
  writeFileSync(join(work, "readme", "assembly", "main.ts"), fn);
  writeFileSync(join(work, "readme", "tests", "main.test.mjs"), spec);
  await buildWasm({ config: join(root, "asconfig.json"), entry: join(work, "readme", "assembly", "main.ts"), outFile: join(work, "readme", "build", "function.wasm") });
  const env = { ...process.env };
  delete env.NODE_TEST_CONTEXT; // its own top-level run, not a subtest of this one
  const out = execFileSync(process.execPath, ["--test", "tests/"], { cwd: join(work, "readme"), env, encoding: "utf8" });
  assert.match(out, /# pass 2\n# fail 0/);
});

test("kv: seeded entries, read and changed by the function, inspected and changed by the test", async () => {
  const host = new TestHost({ kv: { "kv-counter:requests": "9", bytes: new Uint8Array([1, 2]) } });
  const fn = await host.load(wasm("kv-counter"));
  assert.equal(fn.call().text, "10");
  assert.equal(host.kv.getString("kv-counter:requests"), "10");
  assert.deepEqual(host.kv.get("bytes"), Buffer.from([1, 2]));
  host.kv.set("kv-counter:requests", "99");
  assert.equal(fn.call().text, "100");
  assert.deepEqual(host.kv.keys().sort(), ["bytes", "kv-counter:requests"]);
  const off = await new TestHost({ kv: false }).load(wasm("kv-counter"));
  assert.match(off.call().error, /unavailable/, "kv: false is a Tarmac without the store");
});

test("calls: every host call with its capability, operation, decoded request and reply", async () => {
  const host = new TestHost();
  const r = (await host.load(wasm("kv-counter"))).call();
  assert.deepEqual(r.calls.map((c) => [c.capability, c.operation, c.ok]), [["kvstore", "get", false], ["kvstore", "set", true]]);
  assert.deepEqual(r.calls[0].request, { key: "kv-counter:requests" });
  assert.equal(r.calls[0].reply.status.code, 404, "a failed call keeps Tarmac's status reply");
  assert.deepEqual(r.calls[1].request, { key: "kv-counter:requests", data: Buffer.from("1").toString("base64") });
  assert.equal(host.calls.length, 2);
});

test("fail: a status, a capability switched off, a malformed reply, a failed call; times and clearFailures", async () => {
  const host = new TestHost({ kv: { "kv-counter:requests": "1" } });
  const fn = await host.load(wasm("kv-counter"));
  host.fail("kvstore", "get", { status: 503, message: "try later", times: 1 });
  let r = fn.call();
  assert.equal(r.status, 500);
  assert.match(r.error, /host_failure \(503\): try later/);
  assert.equal(fn.call().text, "2", "times: 1 affects one call");
  host.fail("kvstore", "*", { unavailable: true });
  assert.match(fn.call().error, /unavailable/);
  host.clearFailures().fail("kvstore", "get", { reply: "{not json" });
  assert.match(fn.call().error, /invalid_response/);
  host.clearFailures().fail("kvstore", "set", { error: "connection reset" });
  assert.match(fn.call().error, /could not save the counter: .*connection reset/);
  host.clearFailures();
  assert.equal(fn.call().text, "3", "nothing was overwritten by the failures");
  host.disable("kvstore");
  assert.match(fn.call().error, /callback not found/);
});

test("addHook: a hook sees every host call, answers some and passes the rest to Tarmac; each call is recorded once, as the function saw it", async () => {
  const host = new TestHost({ kv: { "kv-counter:requests": "41" } });
  const fn = await host.load(wasm("kv-counter"));
  const seen = [];
  const remove = host.addHook((call, next) => {
    seen.push(`${call.namespace}.${call.operation}`);
    if (call.operation === "get") return { ok: true, body: `{"status":{"code":200,"status":"OK"},"data":"${Buffer.from("6").toString("base64")}"}` };
    return next(call);
  });
  assert.equal(fn.call().text, "7", "the hook's answer to the get");
  assert.equal(host.kv.getString("kv-counter:requests"), "7", "the set reached the store");
  assert.deepEqual(seen, ["kvstore.get", "kvstore.set"]);
  assert.deepEqual(host.calls.map((c) => [c.capability, c.operation, c.ok, c.reply.status.code]), [["kvstore", "get", true, 200], ["kvstore", "set", true, 200]]);
  host.fail("kvstore", "get", { status: 503, message: "try later", times: 1 });
  assert.match(fn.call().error, /try later/, "an injected failure answers before any hook");
  assert.equal(seen.length, 2);
  remove();
  assert.equal(fn.call().text, "8", "removed: the store answers");
  assert.equal(host.calls.length, 5);
});

test("profile: what a failed handler's HTTP answer holds, as each Tarmac sends it", async () => {
  for (const [profile, body] of [["v0.10.0", ""], ["main", /^failed to execute wasm module - could not read the counter/]]) {
    const host = new TestHost({ profile });
    assert.equal(host.profile, profile);
    const fn = await host.load(wasm("kv-counter"));
    host.disable("kvstore");
    const r = fn.call();
    assert.equal(r.status, 500);
    if (typeof body === "string") assert.equal(r.text, body); else assert.match(r.text, body);
  }
});

test("http: routes answered in JavaScript (a table or a function); unanswered ones fail without realHttp", async () => {
  const seen = [];
  const host = new TestHost({
    http: (req) => { seen.push(req); return req.url.endsWith("/ok") ? { status: 201, headers: { "X-A": "b" }, body: "made" } : undefined; },
    realHttp: false,
  });
  const fn = await host.load(wasm("http-fetch"));
  assert.equal(fn.call("https://api.test/ok").text, "201 made");
  assert.equal(seen[0].method, "GET");
  assert.equal(host.calls[0].reply.headers["x-a"], "b");
  const r = fn.call("https://api.test/other");
  assert.equal(r.status, 500);
  assert.match(r.error, /fetch failed: httpclient\.call: host_failure \(500\)/);
  const table = await new TestHost({ http: { "GET https://api.test/a": { body: "A" }, "https://api.test/b": () => ({ status: 404, body: "B" }) }, realHttp: false }).load(wasm("http-fetch"));
  assert.equal(table.call("https://api.test/a").text, "200 A");
  assert.equal(table.call("https://api.test/b").text, "404 B");
});

test("sql: canned rows for PostgreSQL and for MySQL (whose values Tarmac sends as bytes), and a failing query", async () => {
  const queries = [];
  const host = new TestHost({ sql: { rows: (q) => { queries.push(q); return q.startsWith("SELECT") ? [{ n: 2, last: 5 }] : []; } } });
  const fn = await host.load(wasm("sql-notes"));
  assert.equal(fn.call("hi").text, "2 notes");
  assert.ok(queries.some((q) => q.startsWith("INSERT")));
  const mysql = new TestHost({ sql: { driver: "mysql", rows: () => [{ b: null, a: "x" }] } });
  (await mysql.load(wasm("sql-notes"))).call("hi");
  const reply = mysql.calls.find((c) => c.capability === "sql" && c.ok && c.reply.data !== "bnVsbA==").reply;
  assert.deepEqual(JSON.parse(Buffer.from(reply.data, "base64")), [{ a: Buffer.from("x").toString("base64"), b: null }], "MySQL values as bytes (base64), keys sorted, NULL as null");
  const bad = new TestHost({ sql: { rows: () => new Error("relation \"notes\" does not exist") } });
  const r = (await bad.load(wasm("sql-notes"))).call("hi");
  assert.equal(r.status, 500);
  assert.match(r.error, /relation "notes" does not exist/);
});

test("functions: a module loaded with a name answers callFunction from another", async () => {
  const host = new TestHost();
  await host.load(wasm("hello"), { name: "hello" });
  const caller = await host.load(wasm("function-call"));
  assert.equal(caller.call("Ada").text, "hello said: Hello, Ada!");
  assert.deepEqual(host.calls.map((c) => `${c.capability}.${c.operation}`), ["function.hello"]);
});

test("logs and metrics: captured, and passed to a log callback as they happen", async () => {
  const lines = [];
  const host = new TestHost({ log: (l) => lines.push(l) });
  (await host.load(wasm("logger"))).call("hi");
  assert.ok(host.logs.length > 0);
  assert.deepEqual(lines, host.logs);
  const m = new TestHost();
  (await m.load(wasm("metrics"))).call("x");
  assert.match(m.metricsText(), /# TYPE \w+ (counter|gauge|summary)/);
});

test("load: a pool of instances, the response read after the instance is back in the pool, memory per instance", async () => {
  const host = new TestHost();
  const fn = await host.load(wasm("json-api"), { pool: 3 });
  for (let i = 0; i < 9; i++) assert.equal(JSON.parse(fn.call(`{"item":"t","qty":${i + 1},"price":1}`).text).total, i + 1);
  assert.equal(fn.memory().length, 3);
});

test("clock: the function's clock is the one the test moves (now() and response retention read it)", async () => {
  const clock = new ManualClock({ realtime: 1750000000123n * 1000000n });
  const host = new TestHost({ clock });
  const fn = await host.load(guests.probe);
  const now = () => Number(fn.call(request(Op.NOW)).body.subarray(13).toString());
  assert.equal(now(), 1750000000123);
  clock.advance(2500);
  assert.equal(now(), 1750000002623);
  await host.close();
});

test("TestHost answers sql.exec from canned `exec` on the main profile, and as v0.10.0 (no exec) through the canned rows", async () => {
  const { capsRequest, CapsOp, execResult } = await import("./caps.mjs");
  const { decode, Kind } = await import("./probe.mjs");
  const seen = [];
  const sql = { driver: "mysql", rows: (q) => { seen.push(`query ${q}`); return []; }, exec: (q) => { seen.push(`exec ${q}`); return { rowsAffected: 2, lastInsertId: 9 }; } };
  const run = async (profile) => decode((await new TestHost({ profile, sql }).load(guests.caps)).call(capsRequest(CapsOp.MYSQL_EXEC, "DELETE FROM t")).body);
  const main = await run("main");
  assert.equal(main.kind, Kind.OK);
  assert.deepEqual(execResult(main.rest), { rowsAffected: 2, lastInsertId: 9, hasRowsAffected: true, hasLastInsertId: true });
  const old = await run("v0.10.0");
  assert.deepEqual(execResult(old.rest), { rowsAffected: 0, lastInsertId: 0, hasRowsAffected: false, hasLastInsertId: false }, "no counts claimed");
  assert.deepEqual(seen, ["exec DELETE FROM t", "query DELETE FROM t"]);
});

test("each pooled instance learns on its own that v0.10.0 has no sql exec: Tarmac's pool hands requests to its instances in turn", async () => {
  const { capsRequest, CapsOp } = await import("./caps.mjs");
  const fn = await new TestHost({ profile: "v0.10.0", sql: { rows: () => [] } }).load(guests.caps, { pool: 2 });
  const calls = [1, 2, 3, 4].map(() => fn.call(capsRequest(CapsOp.SQL_EXEC, "DELETE FROM t")).calls.map((c) => c.operation).join(","));
  assert.deepEqual(calls, ["exec,query", "exec,query", "query", "query"], "one `callback not found` per instance, then query alone");
});
