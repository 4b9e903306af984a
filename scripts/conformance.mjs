// npm run conformance - the conformance cases (tests/contract/cases.mjs) on the test host with
// each profile and, when TARMAC_BIN names a Tarmac binary, on that Tarmac with each key:value
// store: in-memory, internal (BoltDB in a temporary file) and Redis (Debian's redis-server,
// started here on loopback, when installed). Tarmac listens on loopback, is stopped when a case
// fails too, and gets a capability switched off and a pool of 2 reused over 2,000 requests.
//
//   --record --as NAME [--commit C]   write each store's host calls to
//                                     tests/contract/recordings/NAME-<store>.json, which
//                                     `npm test` replays through the test host (NAME is the
//                                     profile: v0.10.0 or main)
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { root } from "./examples.mjs";
import { startTarmac } from "../bench/tarmac-http.mjs";
import { TarmacHost } from "../tests/host/tarmac-host.mjs";
import { MemoryStore } from "../tests/host/kvstore.mjs";
import { CASES } from "../tests/contract/cases.mjs";
import { runCase, toRecording, replay } from "../tests/contract/runner.mjs";
import { request, decode, Op, Kind, kindName } from "../tests/probe.mjs";

process.removeAllListeners("warning");
const arg = (name) => { const i = process.argv.indexOf(name); return i > 0 ? process.argv[i + 1] : undefined; };
const record = process.argv.includes("--record");
const as = arg("--as");
const commit = arg("--commit") ?? "";
if (record && !["v0.10.0", "main"].includes(as)) throw new Error("--record needs --as v0.10.0 or --as main (the profile the recording is replayed with)");
const wasm = join(root, "tests", "build", "kv-probe.wasm");
let failures = 0;

/** Runs every case with `send`; prints one line each; resolves to [{ name, exchanges }]. */
async function runAll(label, send) {
  const results = [];
  for (const c of CASES) {
    try {
      results.push({ name: c.name, exchanges: await runCase(send, c) });
      console.log(`  ok      ${label}: ${c.name}`);
    } catch (e) {
      failures++;
      console.log(`  FAILED  ${label}: ${c.name}\n          ${e.message.split("\n").join("\n          ")}`);
    }
  }
  return results;
}

/** Sends 2,000 gets and sets through `send`; every answer must be right. */
async function reuse(label, send) {
  let wrong = 0;
  for (let i = 0; i < 2000; i++) {
    const key = `reuse-${i % 50}`;
    const d = decode(await send(i % 2 ? request(Op.GET, key) : request(Op.SET, key, Buffer.from(`v${i}`))));
    if (d.kind !== Kind.OK && !(d.kind === Kind.NotFound && i % 2)) wrong++;
  }
  if (wrong) failures++;
  console.log(`  ${wrong ? "FAILED" : "ok    "}  ${label}: 2,000 requests through a pool of 2 instances, ${wrong} wrong`);
}

/** A get with the key:value store switched off must be Unavailable. */
async function switchedOff(label, send) {
  const d = decode(await send(request(Op.GET, "k")));
  const good = d.kind === Kind.Unavailable;
  if (!good) failures++;
  console.log(`  ${good ? "ok    " : "FAILED"}  ${label}: key:value switched off gives ${kindName(d.kind)}`);
}

// ---- the test host ----------------------------------------------------------------------------
for (const profile of ["v0.10.0", "main"]) {
  const host = new TarmacHost({ profile, store: new MemoryStore() });
  const pool = await host.pool(wasm, 2);
  const send = async (bytes) => { const r = pool.invoke(bytes); if (!r.ok) throw new Error(r.error); return r.read(); };
  await runAll(`test host ${profile}`, send);
  await reuse(`test host ${profile}`, send);
  const off = await new TarmacHost({ profile, kvstore: false }).instantiate(wasm);
  await switchedOff(`test host ${profile}`, async (bytes) => off.call(bytes).body);
}

// ---- a real Tarmac ----------------------------------------------------------------------------
const bin = process.env.TARMAC_BIN;
if (!bin) {
  console.log("real Tarmac: skipped; run TARMAC_BIN=/path/to/tarmac npm run conformance to run these cases on it");
} else {
  const freePort = () => new Promise((resolve) => { const s = createServer(); s.listen(0, "127.0.0.1", () => { const { port } = s.address(); s.close(() => resolve(port)); }); });
  const dir = mkdtempSync(join(tmpdir(), "tarmac-conformance-"));
  const stores = [
    { name: "in-memory", env: { APP_KVSTORE_TYPE: "in-memory" }, emptyKeys: null },
    { name: "internal", env: { APP_KVSTORE_TYPE: "internal", APP_BOLTDB_FILENAME: join(dir, "kv.db") }, emptyKeys: null },
  ];
  let redis = null;
  try {
    const port = await freePort();
    redis = spawn("redis-server", ["--bind", "127.0.0.1", "--port", String(port), "--save", "", "--appendonly", "no"], { stdio: "ignore" });
    await new Promise((resolve, reject) => { redis.once("error", reject); setTimeout(resolve, 500); });
    stores.push({ name: "redis", env: { APP_KVSTORE_TYPE: "redis", APP_REDIS_SERVER: `127.0.0.1:${port}` }, emptyKeys: [] });
  } catch {
    redis = null;
    console.log("real Tarmac, redis: skipped; install Debian's redis-server to run the cases on a Redis store");
  }
  const http = (base) => async (bytes) => {
    const r = await fetch(`${base}/`, { method: "POST", body: bytes });
    if (r.status !== 200) throw new Error(`Tarmac answered HTTP ${r.status}`);
    return Buffer.from(await r.arrayBuffer());
  };
  try {
    for (const store of stores) {
      const tarmac = await startTarmac(bin, wasm, { APP_WASM_POOL_SIZE: "2", ...store.env });
      try {
        const send = http(tarmac.base);
        const results = await runAll(`Tarmac ${store.name}`, send);
        await reuse(`Tarmac ${store.name}`, send);
        if (record && results.length === CASES.length) {
          const recording = toRecording({ tarmac: as, commit, profile: as, store: store.name, emptyKeys: store.emptyKeys, results });
          const differences = await replay(recording);
          mkdirSync(join(root, "tests", "contract", "recordings"), { recursive: true });
          const file = join(root, "tests", "contract", "recordings", `${as}-${store.name}.json`);
          writeFileSync(file, JSON.stringify(recording, null, 1) + "\n");
          console.log(`  recorded ${file}${differences.length ? `; the test host differs on ${differences.length}:\n${differences.join("\n")}` : "; the test host answers the same"}`);
        }
      } finally {
        tarmac.child.kill();
      }
    }
    const off = await startTarmac(bin, wasm, { APP_ENABLE_KVSTORE: "false" });
    try { await switchedOff("Tarmac", http(off.base)); } finally { off.child.kill(); }
  } finally {
    redis?.kill();
    rmSync(dir, { recursive: true, force: true });
  }
}
console.log(failures ? `${failures} failed` : "all conformance cases passed");
process.exitCode = failures ? 1 : 0;
