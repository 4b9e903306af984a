// npm run conformance - the conformance cases (tests/contract/cases.mjs) on the test host with
// each profile and, when TARMAC_BIN names a Tarmac binary, on that Tarmac with each key:value
// store: in-memory, internal (BoltDB in a temporary file), Redis alone and behind Sentinel, and
// on main NATS JetStream, one node and a cluster of three (Debian's servers, started here on
// loopback, when installed). Tarmac listens on loopback, is stopped when a case
// fails too, and gets a capability switched off and a pool of 2 reused over 2,000 requests.
//
//   --wire json|protobuf|auto|all     the wire the guests are built for (default json); the
//                                     same sources, built once per wire (tests/build-guests.mjs)
//   --store NAME[,NAME]               only these stores on real Tarmac (in-memory, internal,
//                                     redis, redis-sentinel, nats, nats-cluster)
//   --as v0.10.0|main                 the Tarmac version TARMAC_BIN is (default: learnt from
//                                     how it answers the SDK's wire probe)
//   --record --as NAME [--commit C]   write each store's host calls to
//                                     tests/contract/NAME/<store>.json (protobuf wire:
//                                     tests/contract/NAME/protobuf/), which `npm test` replays
//                                     through the test host (NAME is the profile)
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { root } from "./examples.mjs";
import { arg } from "./real-tarmac.mjs";
import { startTarmac } from "../bench/tarmac-http.mjs";
import { CASES, groupOf, NATS_LONG_KEY, isNats } from "../tests/contract/cases.mjs";
import { startPostgres, startMariaDB, postgresBin, mariadbInstalled } from "../tests/servers/databases.mjs";
import { startRedis, startSentinel, startNats, startNatsCluster } from "../tests/servers/stores.mjs";
import { runCase, toRecording, replay, needsServer, testHost, testHostTarget, testHostPoolTarget, routeEcho, RECORDED_POOL, sendRecorded } from "../tests/contract/runner.mjs";
import { WIRE_NAMES, wireGuests } from "../tests/guests.mjs";
import { TarmacHost } from "../host/engine/tarmac-host.mjs";
import { NatsStore } from "../host/engine/server-stores.mjs";
import { startUpstream } from "../tests/servers/start.mjs";
import { request, decode, Op, Kind, kindName } from "../tests/probe.mjs";
import { CapsOp, capsRequest } from "../tests/caps.mjs";

process.removeAllListeners("warning");
const record = process.argv.includes("--record");
const as = arg("--as");
const commit = arg("--commit") ?? "";
if (record && !["v0.10.0", "main"].includes(as)) throw new Error("--record needs --as v0.10.0 or --as main (the profile the recording is replayed with)");
const wireArg = arg("--wire") ?? "json";
const storeArg = arg("--store");
const wires = wireArg === "all" ? WIRE_NAMES : [wireArg];
if (!wires.every((w) => WIRE_NAMES.includes(w))) throw new Error(`--wire takes ${WIRE_NAMES.join(", ")} or all, not ${JSON.stringify(wireArg)}`);
if (record && wireArg === "all") throw new Error("--record takes one wire: json or protobuf");
let passed = 0;
let failures = 0;

const upstream = await startUpstream();

/** Runs the cases of `group` with `target`; prints one line each; resolves to [{ name, result }]. */
async function runAll(label, target, group, ctx) {
  const results = [];
  for (const c of CASES.filter((x) => groupOf(x) === group)) {
    try {
      results.push({ name: c.name, result: await runCase(target, c, upstream.ports, ctx) });
      passed++;
      console.log(`  ok      ${label}: ${c.name}`);
    } catch (e) {
      failures++;
      console.log(`  FAILED  ${label}: ${c.name}\n          ${e.message.split("\n").join("\n          ")}`);
    }
  }
  return results;
}

/** Sends 2,000 gets and sets with `target`; every answer must be right. */
async function reuse(label, target) {
  let wrong = 0;
  for (let i = 0; i < 2000; i++) {
    const key = `reuse-${i % 50}`;
    const r = await target.send(i % 2 ? request(Op.GET, key) : request(Op.SET, key, Buffer.from(`v${i}`)));
    const d = r.status === 200 ? decode(r.body) : { kind: -1 };
    if (d.kind !== Kind.OK && !(d.kind === Kind.NotFound && i % 2)) wrong++;
  }
  if (wrong) failures++;
  console.log(`  ${wrong ? "FAILED" : "ok    "}  ${label}: 2,000 requests through a pool of 2 instances, ${wrong} wrong`);
}

/**
 * The largest value the store takes: values of 8, 32 and 64 MiB (the SDK's limit, MAX_VALUE_BYTES)
 * set and read back through HTTP, and one byte more refused by the SDK before any host call. On
 * NATS (1 MiB by default) the 8 MiB set must be refused as InvalidInput, in NATS's words.
 */
async function largest(label, target, store = "") {
  const MiB = 1 << 20;
  const nats = isNats(store);
  let biggest = 0, refused = null;
  for (const n of [8 * MiB, 32 * MiB, 64 * MiB]) {
    const value = Buffer.alloc(n);
    for (let i = 0; i < n; i += 4096) value[i] = (i >> 12) & 255;
    const set = await target.send(request(Op.SET, "largest", value));
    const s = set.status === 200 ? decode(set.body) : null;
    if (s && s.kind !== Kind.OK) refused = s;
    const get = s?.kind === Kind.OK ? await target.send(request(Op.GET, "largest")) : null;
    const d = get && get.status === 200 ? decode(get.body) : null;
    if (!d || d.kind !== Kind.OK || !d.rest.equals(value)) break;
    biggest = n;
  }
  const over = decode((await target.send(request(Op.SET, "largest", Buffer.alloc(64 * MiB + 1)))).body);
  const good = nats ? biggest === 0 && refused?.kind === Kind.InvalidInput : biggest === 64 * MiB && over.kind === Kind.InvalidInput;
  if (!good) failures++;
  await target.send(request(Op.DELETE, "largest"));
  const why = refused ? `; the first set refused: ${kindName(refused.kind)} (${refused.code}) ${JSON.stringify(refused.message.slice(0, 100))}` : "";
  console.log(`  ${good ? "ok    " : "FAILED"}  ${label}: the largest value stored and read back is ${biggest / MiB} MiB; one byte over the SDK's 64 MiB is ${kindName(over.kind)}${why}`);
}

/** With the store's server gone (Redis stopped), what set, get and delete give. */
async function storeDown(label, target) {
  const answers = [];
  for (const [what, req] of [["set", request(Op.SET, "k", Buffer.from("v"))], ["get", request(Op.GET, "k")], ["delete", request(Op.DELETE, "k")]]) {
    const d = decode((await target.send(req)).body);
    answers.push(`${what} ${kindName(d.kind)} (${d.code}) ${JSON.stringify(d.message.slice(0, 90))}`);
  }
  // Tarmac answers the get with 404 too; the SDK must not call that NotFound.
  const good = answers[0].startsWith("set HostFailure (500)") && answers[1].startsWith("get HostFailure (404)") && answers[2].startsWith("delete HostFailure (404)");
  if (!good) failures++;
  console.log(`  ${good ? "ok    " : "FAILED"}  ${label}: with the store's server stopped: ${answers.join("; ")}`);
}

/**
 * NATS: a key past the server's control line ends the connection, and Tarmac does not reconnect:
 * the set and every later call (a plain get here) are HostFailure, "nats: connection closed".
 */
async function natsLongKey(label, target) {
  const set = decode((await target.send(request(Op.SET, "k".repeat(NATS_LONG_KEY), Buffer.from("v")))).body);
  const after = decode((await target.send(request(Op.GET, "plain"))).body);
  const closed = (d) => d.kind === Kind.HostFailure && d.message.endsWith("nats: connection closed");
  const good = closed(set) && closed(after);
  if (!good) failures++;
  console.log(`  ${good ? "ok    " : "FAILED"}  ${label}: a ${NATS_LONG_KEY}-byte key: set ${kindName(set.kind)} ${JSON.stringify(set.message.slice(-60))}; a get after it ${kindName(after.kind)} ${JSON.stringify(after.message.slice(-60))}`);
}

/** A capability switched off: a get (key:value) and a query (SQL) must be Unavailable. */
async function switchedOff(label, target, what, req) {
  const r = await target.send(req);
  const d = decode(r.body);
  const good = r.status === 200 && d.kind === Kind.Unavailable;
  if (!good) failures++;
  console.log(`  ${good ? "ok    " : "FAILED"}  ${label}: ${what} switched off gives ${kindName(d.kind)}`);
}

/**
 * Writes a recording of `group` (when --record) and says whether the test host answers the same
 * (on `server`, the store's own, where the in-memory map cannot stand in for it: NATS).
 */
async function save(results, group, store, emptyKeys, wire, server = null) {
  if (!record || results.length !== CASES.filter((c) => groupOf(c) === group).length) return;
  const recording = toRecording({ tarmac: as, commit, profile: as, wire, group, store, emptyKeys, results });
  const replayStore = needsServer(recording) ? new NatsStore({ servers: server.urls ?? [server.url], bucket: "replay" }) : null;
  const differences = await replay(recording, upstream.ports, databases, { store: replayStore });
  replayStore?.close();
  const folder = join(root, "tests", "contract", as, ...(wire === "json" ? [] : [wire]));
  mkdirSync(folder, { recursive: true });
  const file = join(folder, `${store}.json`);
  writeFileSync(file, JSON.stringify(recording, null, 1) + "\n");
  console.log(`  recorded ${file}${differences.length ? `; the test host differs on ${differences.length}:\n${differences.join("\n")}` : "; the test host answers the same"}`);
}

// PostgreSQL and MariaDB for the SQL cases, when installed.
const databases = {};
if (postgresBin() && mariadbInstalled()) { databases.postgres = await startPostgres(); databases.mariadb = await startMariaDB(); }
else console.log("SQL cases: skipped; install Debian's postgresql and mariadb-server to run them");
const groups = ["capabilities", ...Object.keys(databases)];

// ---- the test host ----------------------------------------------------------------------------
for (const wire of wires) {
  const guests = wireGuests(wire);
  for (const profile of ["v0.10.0", "main"]) {
    const label = `test host ${profile}, ${wire}`;
    const ctx = { wire, profile };
    const host = testHost({ profile, group: "store" });
    const target = testHostPoolTarget(host, await host.pool(guests.probe, RECORDED_POOL));
    await runAll(label, target, "store", ctx);
    await reuse(label, target);
    await largest(label, target);
    await host.close();
    for (const group of groups) {
      const h = testHost({ profile, group, databases });
      await routeEcho(h, wire);
      await runAll(label, testHostTarget(h, await h.instantiate(guests.caps)), group, ctx);
      await h.close();
    }
    const offHost = new TarmacHost({ profile, kvstore: false });
    await switchedOff(label, testHostTarget(offHost, await offHost.instantiate(guests.probe)), "key:value", request(Op.GET, "k"));
    await switchedOff(label, testHostTarget(offHost, await offHost.instantiate(guests.caps)), "SQL", capsRequest(CapsOp.SQL, "SELECT 1"));
  }
}

// ---- a real Tarmac ----------------------------------------------------------------------------
const bin = process.env.TARMAC_BIN;
if (!bin) {
  console.log("real Tarmac: skipped; run TARMAC_BIN=/path/to/tarmac npm run conformance to run these cases on it");
} else {
  const dir = mkdtempSync(join(tmpdir(), "tarmac-conformance-"));
  // Each store Tarmac runs on that can run here; a server that cannot start skips its store.
  const stores = [
    { name: "in-memory", env: { APP_KVSTORE_TYPE: "in-memory" }, emptyKeys: null },
    { name: "internal", env: { APP_KVSTORE_TYPE: "internal", APP_BOLTDB_FILENAME: join(dir, "kv.db") }, emptyKeys: null },
    { name: "redis", start: startRedis, env: (s) => ({ APP_KVSTORE_TYPE: "redis", APP_REDIS_SERVER: s.server }), emptyKeys: [] },
    { name: "redis-sentinel", start: startSentinel, env: (s) => ({ APP_KVSTORE_TYPE: "redis", APP_REDIS_SENTINEL_SERVERS: s.sentinels.join(" "), APP_REDIS_SENTINEL_MASTER: s.master }), emptyKeys: [] },
    // NATS: Tarmac's main only.
    { name: "nats", start: () => startNats(), env: (s) => ({ APP_KVSTORE_TYPE: "nats", APP_NATS_URL: s.url }), emptyKeys: [], since: "main" },
    { name: "nats-cluster", start: () => startNatsCluster(3), env: (s) => ({ APP_KVSTORE_TYPE: "nats", APP_NATS_URL: s.urls[0], APP_NATS_SERVERS: s.urls.slice(1).join(" ") }), emptyKeys: [], since: "main" },
  ].filter((s) => !storeArg || storeArg.split(",").includes(s.name));
  const http = (base) => ({
    send: async (bytes) => { const r = await fetch(`${base}/`, { method: "POST", body: bytes }); return { status: r.status, body: Buffer.from(await r.arrayBuffer()) }; },
    metrics: async () => (await fetch(`${base}/metrics`)).text(),
  });
  const started = async (wasm, env, work) => {
    const tarmac = await startTarmac(bin, wasm, { APP_WASM_POOL_SIZE: String(RECORDED_POOL), ...env });
    try { return await work(http(tarmac.base)); } finally { tarmac.child.kill(); }
  };
  try {
   // Which Tarmac this is: --as, or what the SDK's own wire probe found - the auto build's first
   // host call probes once on main (answered in protobuf) and twice on v0.10.0.
   const profile = as ?? await started(wireGuests("auto").probe, {}, async (target) => {
     const { exchanges } = await sendRecorded(target, request(Op.GET, "k"));
     return exchanges.filter((e) => e.namespace === "httpclient").length === 1 ? "main" : "v0.10.0";
   });
   console.log(`real Tarmac ${bin}: behaves as ${profile}${as ? " (--as)" : " (learnt from the wire probe)"}`);
   for (const wire of wires) {
    const guests = wireGuests(wire);
    const ctx = { wire, profile };
    const w = `, ${wire}`;
    for (const store of stores) {
      if (store.since === "main" && profile !== "main") { console.log(`  skipped Tarmac ${store.name}${w}: only Tarmac's main has it`); continue; }
      let server = null;
      try { server = store.start ? await store.start() : null; } catch (e) { console.log(`  skipped Tarmac ${store.name}${w}: ${e.message}`); continue; }
      try {
        const env = typeof store.env === "function" ? store.env(server) : store.env;
        const on = { ...ctx, store: store.name };
        await started(guests.probe, env, async (target) => {
          await save(await runAll(`Tarmac ${store.name}${w}`, target, "store", on), "store", store.name, store.emptyKeys, wire, server);
          await reuse(`Tarmac ${store.name}${w}`, target);
          await largest(`Tarmac ${store.name}${w}`, target, store.name);
          if (isNats(store.name)) await natsLongKey(`Tarmac ${store.name}${w}`, target);
          else if (server) { await server.stop(); server = null; await storeDown(`Tarmac ${store.name}${w}`, target); }
        });
      } finally {
        await server?.stop();
      }
    }
    // caps-probe on "/" and, through a `function` route, as "echo" (tarmac.json).
    const config = join(dir, "tarmac.json");
    const fn = { filepath: guests.caps, pool_size: RECORDED_POOL };
    writeFileSync(config, JSON.stringify({ services: { conformance: { name: "conformance", functions: { caps: fn, echo: fn },
      routes: [{ type: "http", path: "/", methods: ["POST"], function: "caps" }, { type: "function", function: "echo" }] } } }));
    await started(guests.caps, { APP_WASM_FUNCTION_CONFIG: config }, async (target) => save(await runAll(`Tarmac${w}`, target, "capabilities", ctx), "capabilities", "capabilities", null, wire));
    const dsn = {
      postgres: (c) => ({ APP_SQL_TYPE: "postgres", APP_SQL_DSN: `postgres://${c.user}@${c.host}:${c.port}/${c.database}?sslmode=disable` }),
      mariadb: (c) => ({ APP_SQL_TYPE: "mysql", APP_SQL_DSN: `${c.user}@tcp(${c.host}:${c.port})/${c.database}` }),
    };
    for (const [group, db] of Object.entries(databases)) {
      await started(guests.caps, { APP_ENABLE_SQL: "true", ...dsn[group](db.config) }, async (target) => save(await runAll(`Tarmac ${group}${w}`, target, group, ctx), group, group, null, wire));
    }
    await started(guests.probe, { APP_ENABLE_KVSTORE: "false" }, (target) => switchedOff(`Tarmac${w}`, target, "key:value", request(Op.GET, "k")));
    await started(guests.caps, { APP_ENABLE_SQL: "false" }, (target) => switchedOff(`Tarmac${w}`, target, "SQL", capsRequest(CapsOp.SQL, "SELECT 1")));
   }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
upstream.stop();
for (const db of Object.values(databases)) await db.stop();
console.log(failures ? `${passed} passed, ${failures} failed` : `all conformance cases passed: ${passed} cases`);
process.exitCode = failures ? 1 : 0;
