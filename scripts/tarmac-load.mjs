// npm run tarmac-load - TARMAC_BIN=/path/to/tarmac: checked HTTP requests through a real Tarmac
// with a small pool, running the test guest kv-probe. Every answer is checked byte for byte.
//
//   --requests N     requests after a warm-up of 2,000 (default 200,000)
//   --concurrency C  keep-alive clients (default 8)
//   --pool P         APP_WASM_POOL_SIZE (default 2)
//   --retain C,MS,B  set the guest's response retention (retainResponses) before the run
//   --store S        APP_KVSTORE_TYPE: in-memory (default) or internal (BoltDB, a temporary file);
//                    redis, redis-sentinel, nats or nats-cluster run the load and fault check of a
//                    store shared by several hosts instead (scripts/cluster-load.mjs: its options)
//   --wire W         the wire kv-probe is built for: json (default), protobuf or auto
//
// The mix: responses of 100 B to 1 MiB made from each request's own seed (so any byte from
// another response shows), sets, gets and deletes of keys full of protobuf end-group bytes
// (up to 2,000 characters), gets of missing keys, and handler failures (HTTP 500). It prints
// the wrong answers by kind and size, and Tarmac's RSS. Not part of `npm test`: Tarmac cannot be
// installed on the CI machine.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { root } from "./examples.mjs";
import { startTarmac } from "../bench/tarmac-http.mjs";
import { tarmacBin, arg } from "./real-tarmac.mjs";
import { request, decode, Op, Kind, pattern, respondRequest, retainRequest } from "../tests/probe.mjs";
import { WIRE_NAMES, wireGuests } from "../tests/guests.mjs";
import { clusterLoad, SHARED_STORES } from "./cluster-load.mjs";

const storeType = arg("--store", "in-memory");
const shared = SHARED_STORES.includes(storeType);
const hostKind = arg("--host", "tarmac");
if (!["tarmac", "dev"].includes(hostKind) || (hostKind === "dev" && !shared)) throw new Error(`--host takes tarmac or (with a shared --store: ${SHARED_STORES.join(", ")}) dev`);
const bin = hostKind === "tarmac" ? tarmacBin("tarmac-load") : null;
const total = Number(arg("--requests", shared ? 20000 : 200000));
const concurrency = Number(arg("--concurrency", 8));
const poolSize = Number(arg("--pool", 2));
const retain = arg("--retain", null)?.split(",").map(Number);
const wire = arg("--wire", "json");
if (!WIRE_NAMES.includes(wire)) throw new Error(`--wire takes ${WIRE_NAMES.join(", ")}, not ${JSON.stringify(wire)}`);
const wasm = wireGuests(wire).probe;
readFileSync(wasm); // built by `npm test` (node tests/build-guests.mjs)
if (shared) {
  process.exit(await clusterLoad({ storeType, bin, wasm, total, concurrency, pool: poolSize, wire, hostKind,
    hosts: Number(arg("--tarmacs", 3)), fault: arg("--fault", "yes") !== "no", downMs: Number(arg("--down", 5000)) }));
}

const SIZES = [100, 5000, 16 * 1024, 16 * 1024 + 1, 20000, 65536, 100000, 300000, 1 << 20];
const END_GROUP = "$,4<DLT\\dlt|";
const keyFor = (i) => {
  const n = [1, 17, 135, 218, 2000][i % 5];
  let k = "";
  for (let j = 0; k.length < n; j++) k += j % 3 === 0 ? END_GROUP[(i + j) % END_GROUP.length] : String.fromCharCode(97 + ((i * 7 + j) % 26));
  return k;
};

const rssKiB = (pid) => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))[1]);
const dir = mkdtempSync(join(tmpdir(), "tarmac-load-"));
const env = { APP_WASM_POOL_SIZE: String(poolSize), APP_KVSTORE_TYPE: storeType, APP_BOLTDB_FILENAME: join(dir, "kv.db") };
const { child, base } = await startTarmac(bin, wasm, env);
const post = async (body) => {
  const r = await fetch(`${base}/`, { method: "POST", body });
  return { status: r.status, body: Buffer.from(await r.arrayBuffer()) };
};
const wrong = {};
const counts = {};
const note = (what, ok, detail) => {
  counts[what] = (counts[what] ?? 0) + 1;
  if (ok) return;
  wrong[what] = (wrong[what] ?? 0) + 1;
  if (Object.values(wrong).reduce((a, b) => a + b) <= 5) console.log(`wrong: ${what}: ${detail}`);
};

// One request: what it asks and the answer it must get.
async function one(i) {
  const pick = i % 8;
  if (pick <= 3) {
    const size = SIZES[(i >> 3) % SIZES.length];
    const r = await post(respondRequest(size, i));
    const ok = r.status === 200 && r.body.equals(pattern(size, i));
    note(`response ${size} B`, ok, `HTTP ${r.status}, ${r.body.length} bytes`);
  } else if (pick === 4) {
    const key = keyFor(i);
    const value = Buffer.from(`${i}:${key.length}`);
    let r = await post(request(Op.SET, key, value));
    let d = r.status === 200 ? decode(r.body) : null;
    note(`set (key ${key.length} chars)`, d?.kind === Kind.OK, d ? `${d.kind} ${d.message}` : `HTTP ${r.status}`);
    r = await post(request(Op.GET, key));
    d = r.status === 200 ? decode(r.body) : null;
    // Another client may have set the same key since: any value written for it is right.
    const ok = d?.kind === Kind.OK && new RegExp(`^\\d+:${key.length}$`).test(d.rest.toString());
    note(`get (key ${key.length} chars)`, ok, d ? `${d.kind} ${d.message} ${d.rest.subarray(0, 40)}` : `HTTP ${r.status}`);
  } else if (pick === 5) {
    const key = keyFor(i) + "-missing";
    const r = await post(request(Op.GET, key));
    const d = r.status === 200 ? decode(r.body) : null;
    note("get of a missing key", d?.kind === Kind.NotFound && d.code === 404, d ? `${d.kind} ${d.code} ${d.message.slice(0, 80)}` : `HTTP ${r.status}`);
  } else if (pick === 6) {
    const r = await post(request(Op.DELETE, keyFor(i + 3)));
    const d = r.status === 200 ? decode(r.body) : null;
    note("delete", d?.kind === Kind.OK, d ? `${d.kind} ${d.message}` : `HTTP ${r.status}`);
  } else {
    const r = await post(request(Op.FAIL, `no ${i}`));
    note("handler failure", r.status === 500, `HTTP ${r.status}`);
  }
}

try {
  // Sequential requests reach every instance of the pool in turn (wapc-go's pool is a queue).
  if (retain) for (let i = 0; i < poolSize * 4; i++) await post(retainRequest(...retain));
  for (let i = 0; i < 2000; i++) await one(i);
  const before = rssKiB(child.pid);
  const t = Date.now();
  let next = 2000;
  await Promise.all(Array.from({ length: concurrency }, async () => { while (next < total + 2000) await one(next++); }));
  const secs = (Date.now() - t) / 1000;
  const after = rssKiB(child.pid);
  const bad = Object.values(wrong).reduce((a, b) => a + b, 0);
  const all = Object.values(counts).reduce((a, b) => a + b, 0);
  console.log(`${all} checked answers (${total} requests after warm-up, ${(total / secs).toFixed(0)}/s), ${wire} wire, concurrency ${concurrency}, pool ${poolSize}, ${storeType} store${retain ? `, retention ${retain.join(",")}` : ""}: ${bad} wrong`);
  for (const [what, n] of Object.entries(counts)) console.log(`  ${what}: ${n}${wrong[what] ? `, ${wrong[what]} wrong` : ""}`);
  console.log(`Tarmac RSS ${(before / 1024).toFixed(1)} MiB after warm-up, ${(after / 1024).toFixed(1)} MiB at the end`);
  process.exitCode = bad ? 1 : 0;
} finally {
  child.kill();
  rmSync(dir, { recursive: true, force: true });
}
