// `tarmac-as dev` as a function author runs it: a small project in a temporary folder (its
// node_modules a link to this repository's, its asconfig files extending this repository's
// preset), built once, then served by `node bin/tarmac-as.mjs dev` as a child process on a free
// loopback port, and asked over HTTP. Each test stops the servers it started, whatever happens.
// The settings Tarmac reads (SQL DSNs, listen address, tarmac.json) and the file store are also
// checked on their own.
import { test, before } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdirSync, writeFileSync, readFileSync, rmSync, symlinkSync, cpSync, existsSync } from "node:fs";
import { join, dirname } from "node:path";
import { createServer } from "node:http";
import { FileStore } from "../host/file-store.mjs";
import { loadTarmacConfig } from "../cli/dev-config/tarmac-json.mjs";
import { envSettings } from "../cli/dev-config/environment.mjs";
import { parsePostgresDsn, parseMysqlDsn } from "../cli/dev-config/dsn.mjs";
import { makeRouter } from "../cli/dev-config/router.mjs";
import { databaseForTests } from "./servers/databases.mjs";
import { root, scratch, startDev, serving, answer } from "./dev-server.mjs";
import { POOL_WAIT } from "../host/engine/profiles.mjs";

const bin = join(root, "bin", "tarmac-as.mjs");
const work = scratch("tarmac-as-dev-");

// ---- The project ----------------------------------------------------------------------------

const SOURCES = {
  // Counts its requests in the store; says what body it got and what setup and tick left there.
  // A body "fail" fails; "call:<x>" hands <x> to the function "helper" through callFunction.
  api: `
import { handle, ok, fail, kv, log, text, callFunction, Result } from "tarmac-as/assembly";
export { __guest_call } from "tarmac-as/assembly";

function num(key: string): u64 {
  const v = kv.getString(key);
  return v.isOk ? U64.parseInt(v.value) : 0;
}

handle((request: Uint8Array): Result<Uint8Array> => {
  const body = text(request);
  if (body == "fail") return fail("asked to fail");
  if (body.startsWith("call:")) {
    const r = callFunction("helper", Uint8Array.wrap(String.UTF8.encode(body.slice(5))));
    if (r.isErr) return fail("helper failed: " + r.error!.toString());
    return ok("helper said: " + text(r.value));
  }
  const count = num("requests") + 1;
  const err = kv.setString("requests", count.toString());
  if (err) return fail("could not count: " + err.toString());
  log.info("request " + count.toString());
  const setup = kv.getString("setup");
  return ok("v1 count=" + count.toString() + " body=" + body + " setup=" + (setup.isOk ? setup.value : "none") + " ticks=" + num("ticks").toString());
});
`,
  // The init route: leaves a mark the api reads.
  setup: `
import { handle, ok, fail, kv, Result } from "tarmac-as/assembly";
export { __guest_call } from "tarmac-as/assembly";
handle((request: Uint8Array): Result<Uint8Array> => {
  const err = kv.setString("setup", "done");
  return err ? fail(err.toString()) : ok("");
});
`,
  // The scheduled task: counts its runs.
  tick: `
import { handle, ok, kv, Result } from "tarmac-as/assembly";
export { __guest_call } from "tarmac-as/assembly";
handle((request: Uint8Array): Result<Uint8Array> => {
  const v = kv.getString("ticks");
  const n: u64 = (v.isOk ? U64.parseInt(v.value) : 0) + 1;
  kv.setString("ticks", n.toString());
  return ok("");
});
`,
  // Reached through a function route only.
  helper: `
import { handle, ok, text, Result } from "tarmac-as/assembly";
export { __guest_call } from "tarmac-as/assembly";
handle((request: Uint8Array): Result<Uint8Array> => ok("helper got " + text(request)));
`,
  // Fetches the URL in its body through Tarmac's HTTP client and answers with what came back.
  fetch: `
import { handle, ok, fail, text, http, Result } from "tarmac-as/assembly";
export { __guest_call } from "tarmac-as/assembly";
handle((request: Uint8Array): Result<Uint8Array> => {
  const r = http.get(text(request));
  if (r.isErr) return fail(r.error!.toString());
  return ok("fetched " + r.value.status.toString() + " " + r.value.text());
});
`,
  // Runs its body as SQL ("my:" first for MySQL) and answers the column "answer" of the first row.
  query: `
import { handle, ok, fail, text, sql, mysql, SqlRow, Result } from "tarmac-as/assembly";
export { __guest_call } from "tarmac-as/assembly";
handle((request: Uint8Array): Result<Uint8Array> => {
  const q = text(request);
  const r: Result<SqlRow[]> = q.startsWith("my:") ? mysql.query(q.slice(3)) : sql.query(q);
  if (r.isErr) return fail(r.error!.toString());
  if (r.value.length == 0) return ok("no rows");
  const v = r.value[0].get("answer");
  return ok(v == null ? "no answer" : v.asString());
});
`,
};

const FUNCTIONS = Object.keys(SOURCES);

const service = (routes, functions = FUNCTIONS) => JSON.stringify({
  services: {
    svc: {
      name: "svc",
      functions: {
        ...Object.fromEntries(functions.map((f) => [f, { filepath: `build/${f}.wasm`, pool_size: f === "api" ? 2 : 1 }])),
        // What Tarmac runs for a routed path with no function of its own (a :param route).
        default: { filepath: "build/helper.wasm", pool_size: 1 },
      },
      routes,
    },
  },
}, null, 2);

const ROUTES = [
  { type: "init", function: "setup" },
  { type: "http", path: "/", methods: ["GET", "POST", "PUT", "DELETE"], function: "api" },
  { type: "http", path: "/sql", methods: ["POST"], function: "query" },
  { type: "http", path: "/fetch", methods: ["POST"], function: "fetch" },
  { type: "http", path: "/items/:id", methods: ["GET"], function: "api" },
  { type: "scheduled_task", function: "tick", frequency: 1 },
  { type: "function", function: "helper" },
];

let project;
before(() => {
  project = join(work, "project");
  mkdirSync(join(project, "assembly"), { recursive: true });
  symlinkSync(join(root, "node_modules"), join(project, "node_modules"), "dir");
  writeFileSync(join(project, "package.json"), JSON.stringify({ name: "dev-test", private: true, type: "module" }));
  for (const [name, source] of Object.entries(SOURCES)) {
    writeFileSync(join(project, "assembly", `${name}.ts`), source);
    // Unoptimised: the tests want modules, quickly.
    writeFileSync(join(project, `asconfig.${name}.json`), JSON.stringify({
      extends: join(root, "asconfig.json"),
      entries: [`assembly/${name}.ts`],
      targets: { release: { outFile: `build/${name}.wasm`, optimizeLevel: 0, shrinkLevel: 0, converge: false } },
    }));
  }
  writeFileSync(join(project, "tarmac.json"), service(ROUTES));
  const r = spawnSync(process.execPath, [bin, "build"], { cwd: project, encoding: "utf8" });
  assert.equal(r.status, 0, `the test project did not build:\n${r.stdout}${r.stderr}`);
});

/** A copy of the built project (modules keep their times, so dev finds them up to date). */
function copyProject(name) {
  const dir = join(work, name);
  cpSync(project, dir, { recursive: true, preserveTimestamps: true, verbatimSymlinks: true, filter: (p) => !p.includes(".tarmac-as") });
  return dir;
}

// ---- Running `tarmac-as dev` ----------------------------------------------------------------

/** `tarmac-as dev --port 0` in `cwd` (tests/dev-server.mjs's startDev: `{ env, args, within }`). */
const dev = (cwd = project, options) => startDev(bin, cwd, options);

/** Runs `tarmac-as dev` expecting it to refuse to start: { code, output }. */
async function devFails(cwd, options) {
  try {
    const d = await dev(cwd, options);
    await d.stop();
  } catch (e) {
    if (e.code === undefined) throw e;
    return { code: e.code, output: e.output };
  }
  assert.fail("dev started, but should have refused to");
}

// ---- Serving --------------------------------------------------------------------------------

test("a counter function's answer goes up across requests: the key:value store is in memory by default", { timeout: 180000 }, async () => {
  assert.equal(await serving(dev(), async (d) => {
    const counts = [];
    for (let i = 0; i < 3; i++) {
      const r = await d.get();
      assert.equal(r.status, 200);
      counts.push(Number(/count=(\d+)/.exec(r.text)[1]));
    }
    assert.deepEqual(counts, [1, 2, 3]);
    assert.match(d.output(), /key:value in memory/);
    assert.ok(!existsSync(join(project, ".tarmac-as")), "nothing written to the project");
  }), 0);
});

test("with APP_KVSTORE_TYPE=internal the store is a JSON file (.tarmac-as/kv.json by default) that survives a restart of the dev server", { timeout: 180000 }, async () => {
  const file = join(project, ".tarmac-as", "kv.json");
  rmSync(dirname(file), { recursive: true, force: true });
  const env = { APP_KVSTORE_TYPE: "internal" };
  assert.equal(await serving(dev(project, { env }), async (d) => {
    assert.match((await d.get()).text, /count=1 /);
    assert.match((await d.get()).text, /count=2 /);
  }), 0);
  const saved = JSON.parse(readFileSync(file, "utf8"));
  assert.equal(saved.values.requests, "2");
  assert.equal(saved.values.setup, "done");
  try {
    assert.equal(await serving(dev(project, { env }), async (d) => {
      assert.match((await d.get()).text, /count=3 /);
    }), 0);
  } finally {
    rmSync(dirname(file), { recursive: true, force: true });
  }
});

test("with APP_KVSTORE_TYPE=internal, dev killed with SIGKILL while 8 clients are answered keeps every acknowledged write, in a file that still reads", { timeout: 180000 }, async () => {
  const file = join(project, ".tarmac-as", "kv.json");
  rmSync(dirname(file), { recursive: true, force: true });
  const env = { APP_KVSTORE_TYPE: "internal" };
  let acked = 0;
  try {
    const d = await dev(project, { env });
    let stop = false;
    const client = async () => {
      while (!stop) {
        try {
          const r = await d.get();
          const n = Number(/count=(\d+) /.exec(r.text)?.[1] ?? 0);
          if (n > acked) acked = n;
        } catch { return; } // the server is gone
      }
    };
    const clients = Array.from({ length: 8 }, client);
    while (acked < 40) await new Promise((r) => setTimeout(r, 10));
    d.child.kill("SIGKILL"); // while requests are in flight
    stop = true;
    await Promise.all(clients);
    await d.exited;
    const saved = JSON.parse(readFileSync(file, "utf8"));
    assert.ok(Number(saved.values.requests) >= acked, `the file holds ${saved.values.requests} requests; ${acked} were acknowledged`);
    assert.equal(await serving(dev(project, { env }), async (again) => {
      const n = Number(/count=(\d+) /.exec((await again.get()).text)[1]);
      assert.ok(n > acked, `after the restart the count goes on from at least ${acked}: ${n}`);
    }), 0);
  } finally {
    rmSync(dirname(file), { recursive: true, force: true });
  }
});

test("APP_KVSTORE_TYPE=boltdb with APP_BOLTDB_FILENAME keeps the store in that file; APP_ENABLE_KVSTORE=false switches the store off", { timeout: 180000 }, async () => {
  const file = join(work, "elsewhere", "store.json");
  await serving(dev(project, { env: { APP_KVSTORE_TYPE: "boltdb", APP_BOLTDB_FILENAME: file } }), async (d) => {
    assert.match((await d.get()).text, /count=1 /);
  });
  assert.equal(JSON.parse(readFileSync(file, "utf8")).values.requests, "1");
  // Off: the init route cannot set its key, so startup fails, as under Tarmac without a store.
  const off = await devFails(project, { env: { APP_ENABLE_KVSTORE: "false" } });
  assert.equal(off.code, 1);
  assert.match(off.output, /init setup: failed, attempt 1 of 1: .*kvstore\.set: unavailable/);
});

test("a POST body reaches the function; a GET's body does not (Tarmac reads the body of POST and PUT only)", { timeout: 180000 }, async () => {
  await serving(dev(), async (d) => {
    assert.match((await d.post("hello")).text, / body=hello /);
    assert.match((await d.get()).text, / body= /);
    // A GET may carry a body; fetch will not send one, so a raw request does.
    const raw = await new Promise((resolve, reject) => {
      import("node:http").then(({ request }) => {
        const req = request(d.base + "/", { method: "GET", headers: { "Content-Length": "7" } }, (res) => {
          let text = "";
          res.setEncoding("utf8").on("data", (c) => { text += c; }).on("end", () => resolve(text));
        });
        req.on("error", reject);
        req.end("ignored");
      });
    });
    assert.match(raw, / body= /);
    const put = await fetch(d.base + "/", { method: "PUT", body: "put body" });
    assert.match(await put.text(), / body=put body /);
    const del = await fetch(d.base + "/", { method: "DELETE", body: "delete body" });
    assert.match(await del.text(), / body= /);
    await d.logged(/POST \/ -> api 200 \(/);
    await d.logged(/\[info\] api: request 1\n/);
  });
});

test("a failing function answers 500 with an empty body as Tarmac v0.10.0 does, and with --profile main `failed to execute wasm module - <error>`", { timeout: 180000 }, async () => {
  await serving(dev(), async (d) => {
    assert.deepEqual(await answer(d.post("fail")), { status: 500, text: "" });
    await d.logged(/POST \/ -> api 500 \([^)]*\): asked to fail/); // the error, in the log
  });
  await serving(dev(project, { args: ["--profile", "main"] }), async (d) => {
    assert.deepEqual(await answer(d.post("fail")), { status: 500, text: "failed to execute wasm module - asked to fail" });
    assert.match(d.output(), /as Tarmac main/);
  });
});

test("an init route runs once at start, before the server listens: the key it sets is there at the first request", { timeout: 180000 }, async () => {
  await serving(dev(), async (d) => {
    assert.match((await d.get()).text, / setup=done /);
    assert.equal(d.output().match(/init setup: ok/g).length, 1);
    assert.ok(d.output().indexOf("init setup: ok") < d.output().indexOf("listening on"));
  });
});

test("an init route that keeps failing is retried `retries` times, then startup fails", { timeout: 180000 }, async () => {
  writeFileSync(join(project, "tarmac.failing-init.json"), service([
    { type: "init", function: "missing", retries: 1, frequency: 1 },
    { type: "http", path: "/", methods: ["GET"], function: "api" },
  ]));
  const r = await devFails(project, { args: ["--config", "tarmac.failing-init.json"] });
  assert.equal(r.code, 1);
  assert.match(r.output, /init missing: failed, attempt 1 of 2: unable to load wasi environment - module not found/);
  assert.match(r.output, /init missing: failed, attempt 2 of 2/);
  assert.match(r.output, /init function missing exceeded retries/);
  assert.doesNotMatch(r.output, /listening on/);
});

test("a scheduled_task runs every `frequency` seconds: its timer is set to 1000 ms for a frequency of 1, and the counter it keeps grows with each run", { timeout: 180000 }, async () => {
  // APP_DEBUG logs the timer's interval as it is set, and each run: the test waits for runs, not for the clock.
  await serving(dev(project, { env: { APP_DEBUG: "true" } }), async (d) => {
    await d.logged(/\[debug\] dev: scheduled_task tick: every 1000 ms\n/);
    const ticks = async () => Number(/ticks=(\d+)/.exec((await d.get()).text)[1]);
    const first = await ticks();
    // A run counts, then is logged: once first + 2 runs are logged, the counter has them all.
    await d.logged(/scheduled_task tick: ok \(/, { count: first + 2 });
    const later = await ticks();
    assert.ok(later >= first + 2, `ticks went from ${first} to ${later} over ${first + 2} logged runs`);
  });
});

test("a function route makes a function reachable by callFunction from the others", { timeout: 180000 }, async () => {
  await serving(dev(), async (d) => {
    assert.deepEqual(await answer(d.post("call:xyz")), { status: 200, text: "helper said: helper got xyz" });
  });
  // Without the function route, callFunction finds nothing, as under Tarmac.
  writeFileSync(join(project, "tarmac.no-function-route.json"), service(ROUTES.filter((r) => r.type !== "function")));
  await serving(dev(project, { args: ["--profile", "main", "--config", "tarmac.no-function-route.json"] }), async (bare) => {
    const r = await bare.post("call:xyz");
    assert.equal(r.status, 500);
    assert.match(r.text, /helper failed: .*callback not found/);
  });
});

test("requests go through Tarmac's router: 404 for an unrouted path, 405 with Allow for an unrouted method, a :param route reaches the function named \"default\"; /health, /ready and /metrics answer", { timeout: 180000 }, async () => {
  // Started from another folder with --config: the modules are found next to tarmac.json.
  await serving(dev(work, { args: ["--config", join(project, "tarmac.json")] }), async (d) => {
    assert.deepEqual(await answer(d.get("/nope")), { status: 404, text: "404 page not found\n" });
    const patch = await fetch(d.base + "/", { method: "PATCH" });
    assert.equal(patch.status, 405);
    assert.equal(patch.headers.get("allow"), "DELETE, GET, POST, PUT, OPTIONS");
    // Tarmac looks the function up by the exact path: /items/7 is routed, but "http:GET:/items/7" is
    // no route key, so the function named "default" (the helper's module here) answers.
    assert.deepEqual(await answer(d.get("/items/7")), { status: 200, text: "helper got " });
    await d.logged(/GET \/items\/7 -> default 200 /);
    assert.equal((await d.get("/health")).status, 200);
    assert.equal((await d.get("/ready")).status, 200);
    const metrics = await d.get("/metrics");
    assert.equal(metrics.status, 200);
    assert.match(metrics.headers.get("content-type"), /^text\/plain/);
    assert.equal((await d.get("/")).headers.get("server"), "tarmac");
  });
});

test("editing a source file rebuilds and serves the new module without restarting (the in-memory store carried over); a build error keeps the previous module serving", { timeout: 600000 }, async () => {
  const dir = copyProject("edited");
  assert.equal(await serving(dev(dir), async (d) => {
    assert.match((await d.get()).text, /^v1 count=1 /);
    const source = join(dir, "assembly", "api.ts");
    writeFileSync(source, readFileSync(source, "utf8").replace('"v1 count="', '"v2 count="'));
    // dev says how the build went; once it says "reloaded", the new module serves.
    const out = await d.logged(/reloaded: |build failed: /, { within: 300000 });
    assert.match(out, /reloaded: /, out);
    const answer = (await d.get()).text;
    assert.match(answer, /^v2 count=/);
    const count = Number(/count=(\d+)/.exec(answer)[1]);
    assert.ok(count >= 2, `the count went on across the reload (${answer})`);
    assert.equal(d.child.exitCode, null, "the same process serves");
    const builds = d.output().match(/build failed/g)?.length ?? 0;
    writeFileSync(source, readFileSync(source, "utf8") + "\nthis is not AssemblyScript\n");
    await d.logged(/build failed/, { count: builds + 1, within: 300000 });
    assert.match(d.output(), /the previous functions keep serving/);
    assert.match((await d.get()).text, /^v2 count=/);
  }), 0);
});

test("a host call that blocks (a real HTTP request) blocks the functions' worker only: the server answers /health meanwhile, and calls wait their turn", { timeout: 180000 }, async () => {
  // An upstream that holds its answer until the test lets it go.
  const held = [];
  let arrived;
  const arrival = new Promise((r) => { arrived = r; });
  const upstream = createServer((req, res) => { held.push(res); arrived(); });
  await new Promise((r) => upstream.listen(0, "127.0.0.1", r));
  try {
    // APP_DEBUG logs a call that has to wait for the worker: the test waits for that line, not for the clock.
    await serving(dev(project, { env: { APP_DEBUG: "true" } }), async (d) => {
      try {
        const fetching = d.post(`http://127.0.0.1:${upstream.address().port}/slow`, "/fetch");
        fetching.catch(() => {}); // should the test fail first, the server stops under it
        await arrival; // the function is inside its host call now
        let counted = null;
        const counting = d.get().then((r) => { counted = r; return r; });
        await d.logged(/GET \/ -> api: waits behind 1 call\n/); // the next call is at the server, queued
        const health = await d.get("/health");
        assert.equal(health.status, 200);
        assert.equal(counted, null, "the next call waits for the one in the worker");
        held[0].end("at last");
        assert.equal((await fetching).text, "fetched 200 at last");
        assert.match((await counting).text, /count=1 /);
        const out = await d.logged(/GET \/ -> api 200 /);
        const [first, next] = ["POST /fetch -> fetch 200 ", "GET / -> api 200 "].map((line) => out.indexOf(line));
        assert.ok(first >= 0 && first < next, `answered after the call it waited for:\n${out}`);
      } finally {
        for (const res of held) if (!res.writableEnded) res.end();
      }
    });
  } finally {
    upstream.closeAllConnections();
    await new Promise((r) => upstream.close(r));
  }
});

test("a request that finds every instance of its function busy for 5 s fails as real Tarmac's does: HTTP 500, `failed to execute wasm module - could not fetch module from pool - get from pool timed out: queue: poll timed out` (main); the function never runs for it", { timeout: 180000 }, async () => {
  // An upstream that holds its first request until the test lets it go, and answers the rest.
  const held = [];
  let arrived;
  const arrival = new Promise((r) => { arrived = r; });
  const upstream = createServer((req, res) => { if (held.length) res.end("at once"); else { held.push(res); arrived(); } });
  await new Promise((r) => upstream.listen(0, "127.0.0.1", r));
  const url = `http://127.0.0.1:${upstream.address().port}/slow`;
  try {
    await serving(dev(project, { args: ["--profile", "main"] }), async (d) => {
      try {
        const first = d.post(url, "/fetch"); // "fetch" has pool_size 1: this holds its only instance
        first.catch(() => {});
        await arrival;
        const refused = await answer(d.post(url, "/fetch"));
        assert.deepEqual(refused, { status: 500, text: `failed to execute wasm module - ${POOL_WAIT.error}` });
        assert.equal(held.length, 1, "the refused request never reached the function");
        held[0].end("at last");
        assert.equal((await first).text, "fetched 200 at last");
        assert.equal((await d.post(url, "/fetch")).text, "fetched 200 at once", "the instance is free again");
        assert.match(d.output(), /POST \/fetch -> fetch 500 \([^)]*\): could not fetch module from pool .* \(all 1 instances busy for 5 s\)/);
      } finally {
        for (const res of held) if (!res.writableEnded) res.end();
      }
    });
  } finally {
    upstream.closeAllConnections();
    await new Promise((r) => upstream.close(r));
  }
});

test("APP_DEBUG prints each host call a function makes (APP_TRACE with requests and replies); without them, none", { timeout: 180000 }, async () => {
  await serving(dev(project, { env: { APP_DEBUG: "true" } }), async (d) => {
    await d.get();
    await d.logged(/\[debug\] api: host call kvstore\.set -> ok\n/);
  });
  await serving(dev(project, { env: { APP_TRACE: "1" } }), async (d) => {
    await d.get();
    await d.logged(/\[debug\] api: host call kvstore\.get \{"key":"requests"\} -> failed \(Unable to fetch key requests - nil value returned from database\)/);
  });
  await serving(dev(), async (d) => {
    await d.get();
    await d.logged(/GET \/ -> api 200/);
    assert.doesNotMatch(d.output(), /host call/);
  });
});

// ---- Starting and stopping ------------------------------------------------------------------

test("SIGINT and SIGTERM stop the server and its worker: the process exits with code 0 and the port is closed", { timeout: 180000 }, async () => {
  for (const signal of ["SIGINT", "SIGTERM"]) {
    const d = await dev();
    assert.equal((await d.get()).status, 200);
    assert.equal(await d.stop(signal), 0);
    assert.match(d.output(), new RegExp(`stopping \\(${signal}\\)`));
    await assert.rejects(fetch(d.base + "/"));
  }
});

test("refuses a listen address that is not loopback, saying why", { timeout: 60000 }, async () => {
  const r = await devFails(project, { env: { APP_LISTEN_ADDR: "0.0.0.0:8080" } });
  assert.equal(r.code, 1);
  assert.match(r.output, /APP_LISTEN_ADDR 0\.0\.0\.0:8080 is not a loopback address/);
});

test("SQL: APP_ENABLE_SQL with APP_SQL_TYPE and APP_SQL_DSN reaches a real PostgreSQL and MariaDB from a function", { timeout: 300000 }, async (t) => {
  const dbs = [
    ["postgres", "postgres", (c) => `postgres://${c.user}@${c.host}:${c.port}/${c.database}?sslmode=disable`, "SELECT 41 + 1 AS answer"],
    ["mariadb", "mysql", (c) => `${c.user}@tcp(${c.host}:${c.port})/${c.database}`, "my:SELECT 41 + 1 AS answer"],
  ];
  for (const [name, type, dsn, query] of dbs) {
    await t.test(name, async (t) => {
      const { server, skip } = await databaseForTests(name, "dev");
      if (skip) return t.skip(skip);
      try {
        await serving(dev(project, { env: { APP_ENABLE_SQL: "true", APP_SQL_TYPE: type, APP_SQL_DSN: dsn(server.config) } }), async (d) => {
          const r = await d.post(query, "/sql");
          assert.equal(r.text, "42");
          assert.equal(r.status, 200);
        });
      } finally {
        await server.stop();
      }
    });
  }
});

// ---- What it reads --------------------------------------------------------------------------

test("tarmac.json is checked as Tarmac checks it, and what Tarmac would refuse is an error that says why", () => {
  const write = (name, json) => { const p = join(work, name); writeFileSync(p, typeof json === "string" ? json : JSON.stringify(json)); return p; };
  const svc = (routes, functions = { f: { filepath: "f.wasm" } }) => ({ services: { s: { name: "s", functions, routes } } });
  const ok = loadTarmacConfig(write("ok.json", svc([{ type: "init", function: "f" }, { type: "scheduled_task", function: "f", frequency: 5 }])));
  assert.equal(ok.functions.get("f").filepath, join(work, "f.wasm"), "relative to tarmac.json's folder");
  assert.equal(ok.functions.get("f").pool, 100, "Tarmac's default pool size");
  assert.deepEqual(ok.init, [{ function: "f", retries: 0, frequency: 1 }], "init's frequency defaults to 1");
  assert.throws(() => loadTarmacConfig(write("a.json", svc([{ type: "scheduled_task", function: "f" }]))), /scheduled_task for f has no "frequency"/);
  assert.throws(() => loadTarmacConfig(write("b.json", svc([{ type: "http", function: "f", path: "/" }]))), /has no "path" or no "methods"/);
  assert.throws(() => loadTarmacConfig(write("c.json", svc([], { f: {} }))), /function f has no "filepath"/);
  assert.throws(() => loadTarmacConfig(write("d.json", { services: { s: { functions: {} } } })), /service s has no "name"/);
  assert.throws(() => loadTarmacConfig(write("e.json", svc([{ type: "http", function: "f", path: "/", methods: ["GET"] }, { type: "http", function: "f", path: "/", methods: ["GET"] }]))), /GET \/ is already routed/);
  assert.throws(() => loadTarmacConfig(write("g.json", svc([{ type: "http", function: "f", path: "/metrics", methods: ["GET"] }]))), /already routed to Tarmac's own handler/);
  assert.throws(() => loadTarmacConfig(write("h.json", "{")), /not valid JSON/);
  assert.throws(() => loadTarmacConfig(join(work, "absent.json")), /tarmac-as dev serves a project's tarmac\.json/);
  const warned = loadTarmacConfig(write("i.json", svc([{ type: "http", function: "nothing", path: "/", methods: ["get"] }])));
  assert.match(warned.warnings.join("\n"), /"get" is not upper-case/);
  assert.match(warned.warnings.join("\n"), /no function named nothing/);
});

test("the router answers as httprouter under Tarmac: exact paths, :params, trailing-slash redirects, 405 and OPTIONS", () => {
  const r = makeRouter([
    { method: "GET", path: "/a", function: "a" },
    { method: "POST", path: "/a", function: "a2" },
    { method: "GET", path: "/u/:id", function: "u" },
    { method: "GET", path: "/files/*rest", function: "files" },
    { method: "GET", path: "/u/:id/name", function: "name" },
  ]);
  assert.deepEqual(r.match("GET", "/a"), { kind: "function", function: "a", route: "/a" });
  assert.equal(r.match("POST", "/a").function, "a2");
  assert.equal(r.match("GET", "/u/7").function, "default");
  assert.equal(r.match("GET", "/u/:id").function, "u", "Tarmac's exact lookup");
  assert.equal(r.match("GET", "/files/x/y").function, "default");
  assert.deepEqual(r.match("GET", "/a/"), { kind: "redirect", status: 301, path: "/a" });
  assert.deepEqual(r.match("POST", "/a/"), { kind: "redirect", status: 307, path: "/a" });
  assert.deepEqual(r.match("PUT", "/a"), { kind: "method", allow: "GET, POST, OPTIONS" });
  assert.deepEqual(r.match("OPTIONS", "/a"), { kind: "options", allow: "GET, POST, OPTIONS" });
  assert.deepEqual(r.match("GET", "/b"), { kind: "notfound" });
  assert.deepEqual(r.match("GET", "/metrics"), { kind: "builtin", name: "metrics" });
  assert.deepEqual(r.match("POST", "/ready"), { kind: "method", allow: "GET, OPTIONS" });
});

test("the environment: APP_* settings as Tarmac reads them, loopback only, --port over APP_LISTEN_ADDR", () => {
  const dir = "/p";
  const s = envSettings({}, { projectDir: dir });
  assert.deepEqual(s.listen, { host: "127.0.0.1", port: 8080 });
  assert.deepEqual(s.kv, { enabled: true, type: "in-memory", file: null });
  assert.equal(s.sql, null);
  assert.equal(s.debug, false);
  assert.deepEqual(envSettings({ APP_LISTEN_ADDR: "[::1]:9000" }, { projectDir: dir, port: "0" }).listen, { host: "::1", port: 0 });
  assert.equal(envSettings({ APP_LISTEN_ADDR: "localhost:1" }, { projectDir: dir }).listen.host, "localhost");
  for (const addr of ["0.0.0.0:8080", ":8080", "10.0.0.1:80", "example.com:80"]) {
    assert.throws(() => envSettings({ APP_LISTEN_ADDR: addr }, { projectDir: dir }), /is not a loopback address/, addr);
  }
  assert.equal(envSettings({ APP_KVSTORE_TYPE: "internal" }, { projectDir: dir }).kv.file, "/p/.tarmac-as/kv.json");
  assert.equal(envSettings({ APP_KVSTORE_TYPE: "boltdb", APP_BOLTDB_FILENAME: "x.json" }, { projectDir: dir, cwd: "/c" }).kv.file, "/c/x.json");
  assert.equal(envSettings({ APP_ENABLE_KVSTORE: "0" }, { projectDir: dir }).kv.enabled, false);
  assert.deepEqual(envSettings({ APP_KVSTORE_TYPE: "redis", APP_REDIS_SERVER: "127.0.0.1:6379", APP_REDIS_DATABASE: "2" }, { projectDir: dir }).kv.redis, { server: "127.0.0.1:6379", sentinels: [], master: "", password: "", database: 2 });
  assert.throws(() => envSettings({ APP_KVSTORE_TYPE: "redis" }, { projectDir: dir }), /needs APP_REDIS_SERVER/);
  assert.deepEqual(envSettings({ APP_KVSTORE_TYPE: "nats" }, { projectDir: dir }).kv.nats, { servers: ["nats://localhost:4222"], bucket: "tarmac" }, "Tarmac's defaults");
  const cassandra = envSettings({ APP_KVSTORE_TYPE: "cassandra" }, { projectDir: dir });
  assert.equal(cassandra.kv.type, "cassandra");
  assert.match(cassandra.warnings.join("\n"), /runs no Cassandra; it keeps the data in memory with Cassandra's key and value limits/);
  assert.throws(() => envSettings({ APP_KVSTORE_TYPE: "nope" }, { projectDir: dir }), /unknown kvstore specified - nope/);
  assert.throws(() => envSettings({ APP_ENABLE_SQL: "true" }, { projectDir: dir }), /unknown sql store specified/);
  const t = envSettings({ APP_TRACE: "T", APP_DEBUG: "maybe" }, { projectDir: dir });
  assert.equal(t.trace, true);
  assert.equal(t.debug, true, "trace shows debug lines too");
  assert.match(t.warnings.join(), /APP_DEBUG=maybe is not a value Go reads as a boolean/);
});

test("SQL DSNs parse as lib/pq and go-sql-driver/mysql read them", () => {
  assert.deepEqual(parsePostgresDsn("postgres://bob:s%40cret@db.local:5433/app?sslmode=disable&connect_timeout=3"),
    { host: "db.local", port: 5433, user: "bob", password: "s@cret", database: "app", connectionTimeoutMillis: 3000, ssl: false });
  assert.deepEqual(parsePostgresDsn("host=localhost port=5432 user=bob password='it\\'s a secret' dbname=app sslmode=disable"),
    { host: "localhost", port: 5432, user: "bob", password: "it's a secret", database: "app", ssl: false });
  assert.deepEqual(parsePostgresDsn("dbname=app").ssl, { rejectUnauthorized: false }, "no sslmode is lib/pq's require");
  assert.deepEqual(parsePostgresDsn("postgresql://h/app?sslmode=verify-full").ssl, { rejectUnauthorized: true });
  assert.throws(() => parsePostgresDsn("dbname=app sslmode=prefer"), /unsupported sslmode "prefer"/);
  assert.throws(() => parsePostgresDsn("mysql://x/y"), /invalid connection protocol/);
  assert.deepEqual(parseMysqlDsn("root:p@ss:word@tcp(127.0.0.1:3307)/app?tls=skip-verify&timeout=1m30s"),
    { user: "root", password: "p@ss:word", host: "127.0.0.1", port: 3307, database: "app", ssl: { rejectUnauthorized: false }, connectTimeout: 90000 });
  assert.deepEqual(parseMysqlDsn("/app"), { host: "127.0.0.1", port: 3306, database: "app" });
  assert.deepEqual(parseMysqlDsn("u@unix(/run/mysqld.sock)/db"), { user: "u", socketPath: "/run/mysqld.sock", database: "db" });
  assert.deepEqual(parseMysqlDsn("u@tcp([::1]:3306)/db"), { user: "u", host: "::1", port: 3306, database: "db" });
  assert.throws(() => parseMysqlDsn("root@tcp(127.0.0.1:3306)"), /missing the slash/);
});

test("the file store answers as hord's drivers do (errors, keys in byte order, none as null) and writes its file atomically, only when changed", () => {
  const path = join(work, "store", "kv.json");
  const s = new FileStore(path);
  assert.equal(s.keys(), null);
  assert.throws(() => s.get("a"), /^Error: nil value returned from database$/);
  assert.throws(() => s.set("", Buffer.from("x")), /key cannot be nil/);
  assert.throws(() => s.set("a", Buffer.alloc(0)), /data cannot be empty/);
  assert.equal(s.flush(), false, "nothing changed, nothing written");
  assert.ok(!existsSync(path));
  s.set("b", Buffer.from("text"));
  s.set("a", Buffer.from([0xff, 0x00]));
  s.set("é", Buffer.from("accent"));
  assert.deepEqual(s.keys(), ["a", "b", "é"]);
  assert.equal(s.flush(), true);
  assert.deepEqual(JSON.parse(readFileSync(path, "utf8")).values, { a: { base64: "/wA=" }, b: "text", "é": "accent" });
  const again = new FileStore(path);
  assert.deepEqual(again.get("a"), Buffer.from([0xff, 0x00]));
  again.delete("a");
  again.delete("never there");
  again.flush();
  assert.deepEqual(new FileStore(path).keys(), ["b", "é"]);
  writeFileSync(join(work, "store", "empty.db"), "");
  assert.equal(new FileStore(join(work, "store", "empty.db")).keys(), null, "an empty file is an empty store");
  writeFileSync(join(work, "store", "bolt.db"), Buffer.from([0, 1, 2, 3]));
  assert.throws(() => new FileStore(join(work, "store", "bolt.db")), /is not a tarmac-as key:value file/);
});
