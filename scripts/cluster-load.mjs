// npm run tarmac-load -- --store redis|redis-sentinel|nats|nats-cluster: the load and fault check
// of a shared key:value store. Starts the store's servers on loopback (Debian's redis-server,
// redis-sentinel, nats-server), several hosts sharing it - real Tarmacs (TARMAC_BIN), or
// `tarmac-as dev` with --host dev - and many clients running test guest kv-probe on them. Midway
// it kills a store node (SIGKILL) and starts it again. Then a fresh host reads back every write.
//
//   --tarmacs N   hosts sharing the store (default 3); request i goes to host i % N
//   --host H      tarmac (default: TARMAC_BIN) or dev (`tarmac-as dev`, profile main)
//   --fault no    no node killed
//   --down MS     how long the killed node stays down (default 5,000)
//   (and tarmac-load's --requests, --concurrency, --pool, --wire)
//
// The mix: sets of fresh keys (protobuf end-group bytes, up to 2,000 characters; through
// kv.portable() on NATS, which takes no such key) with values from 1 byte to the store's limit
// (NATS: its 1 MiB max payload; Redis: the SDK's 64 MiB) and one byte over it, gets of written
// keys through another host than wrote them, gets of missing keys, and set-delete-get. Every
// answer is checked: a right value, or a typed error (never a trap, a wrong value, or NotFound
// for a written key) - or Tarmac's own refusal when every instance of a host's pool stayed busy
// for 5 s (HTTP 500 before any guest runs; counted apart). Redis keeps an append-only file, so a killed Redis has its writes back.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { connect } from "nats";
import { root } from "./examples.mjs";
import { startTarmac } from "../bench/tarmac-http.mjs";
import { startDev } from "../tests/dev-server.mjs";
import { startRedis, startSentinel, startNats, startNatsCluster } from "../tests/servers/stores.mjs";
import { request, decode, Op, Kind, kindName, PORTABLE, pattern } from "../tests/probe.mjs";
import { POOL_WAIT } from "../host/engine/profiles.mjs";

const MiB = 1 << 20;
/** Not a guest's answer: Tarmac's pool had no free instance within POOL_WAIT.ms (HTTP 500). */
const POOL_BUSY = -1;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * Each shared store: how to start it, each host's settings (host k of n), the node to kill, how
 * to tell it is whole again, its largest value, and whether keys go through kv.portable().
 */
const STORES = {
  redis: {
    start: () => startRedis({ aof: true }),
    env: (s) => ({ APP_KVSTORE_TYPE: "redis", APP_REDIS_SERVER: s.server }),
    victim: async (s) => ({ name: `redis-server ${s.server}`, node: s }),
    largest: 64 * MiB, portable: false,
  },
  "redis-sentinel": {
    start: () => startSentinel("tarmac", { aof: true }),
    env: (s) => ({ APP_KVSTORE_TYPE: "redis", APP_REDIS_SENTINEL_SERVERS: s.sentinels.join(" "), APP_REDIS_SENTINEL_MASTER: s.master }),
    victim: async (s) => ({ name: `the master redis-server 127.0.0.1:${s.redis.port}`, node: s.redis }),
    largest: 64 * MiB, portable: false,
  },
  nats: {
    start: () => startNats(),
    env: (s) => ({ APP_KVSTORE_TYPE: "nats", APP_NATS_URL: s.url }),
    victim: async (s) => ({ name: `nats-server ${s.url}`, node: s }),
    largest: MiB, portable: true,
  },
  "nats-cluster": {
    start: () => startNatsCluster(3),
    // Host k connects to node k: each node has clients.
    env: (s, k) => ({ APP_KVSTORE_TYPE: "nats", APP_NATS_URL: s.urls[k % s.urls.length] }),
    // The node that holds the bucket's stream (Tarmac makes it with one replica).
    victim: async (s) => {
      const leader = (await streamInfo(s.urls)).cluster.leader;
      const node = s.nodes.find((n) => n.name === leader);
      return { name: `nats-server ${node.name} ${node.url}, the bucket's only replica`, node };
    },
    whole: async (s) => { for (;;) { try { if ((await streamInfo(s.urls)).cluster.leader) return; } catch { /* not yet */ } await sleep(200); } },
    largest: MiB, portable: true,
  },
};
export const SHARED_STORES = Object.keys(STORES);

/** JetStream's info on the stream behind Tarmac's bucket "tarmac". */
async function streamInfo(urls) {
  const nc = await connect({ servers: urls, reconnect: false, timeout: 2000 });
  try { return await (await nc.jetstreamManager()).streams.info("KV_tarmac"); } finally { await nc.close(); }
}

/** A key of 1 to 2,000 characters full of protobuf end-group bytes, made unique by `i`. */
const END_GROUP = "$,4<DLT\\dlt|";
const keyFor = (i) => {
  const n = [1, 17, 135, 218, 2000][i % 5];
  let k = "";
  for (let j = 0; k.length < n; j++) k += j % 3 === 0 ? END_GROUP[(i + j) % END_GROUP.length] : String.fromCharCode(97 + ((i * 7 + j) % 26));
  return `${k}@${i}`;
};

/** The value set for request `i`: a pattern of `size` bytes, stamped with `i` at both ends. */
const bases = new Map();
function valueFor(i, size) {
  if (size < 8) return pattern(size, i);
  if (!bases.has(size)) bases.set(size, pattern(size, size));
  const v = Buffer.from(bases.get(size));
  v.writeUInt32LE(i, 0);
  v.writeUInt32LE(i, size - 4);
  return v;
}

/** The size of set `i`'s value: mostly small, now and then the store's largest, rarely one byte over. */
function sizeFor(i, largest) {
  if (i % 1999 === 0) return largest + 1;
  if (i % 499 === 0) return largest;
  if (largest > MiB && i % 97 === 0) return 8 * MiB;
  return [1, 100, 5000, 16 * 1024 + 1, 100000, 300000, MiB][i % 7];
}

/** Starts a host on the store: { base, pid, stop }. */
async function startHost(kind, { bin, wasm, env, pool, dir, k }) {
  if (kind === "tarmac") {
    const { child, base } = await startTarmac(bin, wasm, { APP_WASM_POOL_SIZE: String(pool), ...env });
    return { base, pid: child.pid, stop: async () => { child.kill(); } };
  }
  const config = join(dir, `tarmac-${k}.json`);
  writeFileSync(config, JSON.stringify({ services: { load: { name: "load",
    functions: { probe: { filepath: wasm, pool_size: pool } }, routes: [{ type: "http", path: "/", methods: ["POST"], function: "probe" }] } } }));
  const d = await startDev(join(root, "bin", "tarmac-as.mjs"), dir, { args: ["--config", config, "--profile", "main"], env });
  return { base: d.base, pid: d.child.pid, stop: async () => { await d.stop(); } };
}

/**
 * Runs the check; resolves to the process's exit code (1 if any answer was wrong or any
 * acknowledged write was lost).
 */
export async function clusterLoad({ storeType, bin, wasm, total, concurrency, pool, hosts: hostCount, hostKind, fault, downMs, wire }) {
  const spec = STORES[storeType];
  const dir = mkdtempSync(join(tmpdir(), "tarmac-cluster-load-"));
  const store = await spec.start();
  const hosts = [];
  const flag = spec.portable ? PORTABLE : 0;
  const counts = {}, wrong = {}, failures = {};
  const acked = new Map(); // key -> { i, size }: writes a host acknowledged
  const unacked = new Map(); // key -> { i, size }: writes that failed (typed); may or may not have landed
  const ackedKeys = [];
  let phase = "before the fault";
  const note = (what, ok, detail) => {
    const k = `${what}`;
    counts[k] = (counts[k] ?? 0) + 1;
    if (ok) return;
    wrong[k] = (wrong[k] ?? 0) + 1;
    if (Object.values(wrong).reduce((a, b) => a + b) <= 8) console.log(`wrong: ${what}: ${detail}`);
  };
  // A typed failure: the guest answered (HTTP 200) with an error kind and the host's words; or
  // Tarmac refused the request before any guest ran, its pool busy for 5 s (POOL_BUSY).
  const typedFailure = (d, allowed = [Kind.HostFailure, Kind.Unavailable]) => d && [...allowed, POOL_BUSY].includes(d.kind) && d.message.length > 0;
  const fail = (what, d) => {
    const words = `${what}: ${kindOf(d)} ${d.message.replace(/key \S+ -/g, "key K -").replace(/\d+/g, "N").slice(0, 110)}`;
    const k = `${phase}: ${words}`;
    failures[k] = (failures[k] ?? 0) + 1;
  };
  const send = async (host, op, key, value) => {
    const t = Date.now();
    try {
      const r = await fetch(`${host.base}/`, { method: "POST", body: request(op | flag, key, value) });
      const body = Buffer.from(await r.arrayBuffer());
      if (r.status === 200) return decode(body);
      // main says why; v0.10.0 answers 500 with no body, so there only the wait tells.
      if (r.status === 500 && (body.toString().endsWith(POOL_WAIT.error) || (body.length === 0 && Date.now() - t >= POOL_WAIT.ms))) {
        return { kind: POOL_BUSY, code: 500, message: `Tarmac answered HTTP 500: ${body.length ? POOL_WAIT.error : "(no body) after 5 s"}` };
      }
      return { http: r.status, text: body.subarray(0, 120).toString() };
    } catch (e) {
      return { http: 0, text: e.message };
    }
  };
  const kindOf = (d) => (d.kind === POOL_BUSY ? "every instance busy for 5 s" : kindName(d.kind));
  const show = (d) => (d.http !== undefined ? `HTTP ${d.http} ${d.text}` : `${kindOf(d)} (${d.code}) ${d.message.slice(0, 120)}`);

  async function one(i) {
    const host = hosts[i % hosts.length];
    const pick = i % 10;
    if (pick <= 4) {
      const key = keyFor(i), size = sizeFor(i, spec.largest), value = valueFor(i, size);
      const d = await send(host, Op.SET, key, value);
      if (size > spec.largest) {
        // One byte over: InvalidInput (the store's or the SDK's words), or a failure while the store is down.
        note(`set of ${spec.largest / MiB} MiB + 1 byte (over the limit)`, d.kind === Kind.InvalidInput || typedFailure(d), show(d));
        if (d.kind !== Kind.InvalidInput && typedFailure(d)) fail("set over the limit", d);
        return;
      }
      const what = `set (${size >= MiB ? `${size / MiB} MiB` : `${size} B`})`;
      if (d.kind === Kind.OK) { acked.set(key, { i, size }); ackedKeys.push(key); note(what, true); return; }
      note(what, typedFailure(d), show(d));
      if (typedFailure(d)) { unacked.set(key, { i, size }); fail("set", d); }
    } else if (pick <= 7) {
      if (ackedKeys.length === 0) return;
      const key = ackedKeys[(i * 7919) % ackedKeys.length];
      const { i: writer, size } = acked.get(key);
      const reader = hosts[(writer + 1) % hosts.length]; // another host than wrote it
      const d = await send(reader, Op.GET, key);
      if (d.kind === Kind.OK) { note("get of a written key (another host)", d.rest.equals(valueFor(writer, size)), `${d.rest.length} bytes, not the ${size} written`); return; }
      note("get of a written key (another host)", typedFailure(d), show(d));
      if (typedFailure(d)) fail("get", d);
    } else if (pick === 8) {
      const d = await send(host, Op.GET, `${keyFor(i)}-missing`);
      const ok = (d.kind === Kind.NotFound && d.code === 404) || typedFailure(d);
      note("get of a missing key", ok, show(d));
      if (ok && d.kind !== Kind.NotFound) fail("get of a missing key", d);
    } else {
      const key = `${keyFor(i)}-deleted`;
      const s = await send(host, Op.SET, key, Buffer.from(String(i)));
      const del = s.kind === Kind.OK ? await send(hosts[(i + 1) % hosts.length], Op.DELETE, key) : s;
      const g = del.kind === Kind.OK ? await send(hosts[(i + 2) % hosts.length], Op.GET, key) : del;
      const ok = g.kind === Kind.NotFound || typedFailure(g);
      note("set, delete (another host), get (a third)", ok, show(g));
      if (ok && g.kind !== Kind.NotFound) fail("set-delete-get", g);
    }
  }

  let code = 1;
  try {
    for (let k = 0; k < hostCount; k++) hosts.push(await startHost(hostKind, { bin, wasm, env: spec.env(store, k), pool, dir, k }));
    console.log(`${hostCount} ${hostKind === "dev" ? "tarmac-as dev" : "Tarmac"} hosts on ${storeType}, pool ${pool} each, ${concurrency} clients, ${total} requests, ${wire} wire${spec.portable ? ", keys through kv.portable()" : ""}`);
    for (let i = 0; i < 200; i++) await one(i); // warm-up, one at a time
    let next = 200, done = 0;
    const started = Date.now();
    const faultRun = (async () => {
      if (!fault) return null;
      while (done < total * 0.4) await sleep(50);
      const victim = await spec.victim(store);
      phase = "while the node was down";
      const at = done;
      await victim.node.kill();
      console.log(`killed ${victim.name} (SIGKILL) after ${at} requests`);
      await sleep(downMs);
      await victim.node.restart();
      await spec.whole?.(store);
      phase = "after the restart";
      console.log(`started it again after ${downMs / 1000} s down (${done - at} requests meanwhile)`);
      return { victim: victim.name, at, back: done };
    })();
    await Promise.all(Array.from({ length: concurrency }, async () => {
      while (next < total + 200) { await one(next++); done++; }
    }));
    const faulted = await faultRun;
    const secs = (Date.now() - started) / 1000;

    // Each host after the fault: does it still reach the store?
    const recovery = [];
    const probeKey = ackedKeys[0];
    for (const [k, h] of hosts.entries()) {
      const d = await send(h, Op.GET, probeKey);
      recovery.push(`host ${k + 1}: ${d.kind === Kind.OK ? "reads the store" : `${kindName(d.kind)} "${d.message.split(" - ").at(-1)}"`}`);
    }
    // A fresh host reads back every write.
    const reader = await startHost(hostKind, { bin, wasm, env: spec.env(store, 0), pool, dir, k: "reader" });
    hosts.push(reader);
    let lost = 0, readWrong = 0, readFailed = 0, landed = 0, notLanded = 0;
    const readBack = async (key, { i, size }) => {
      for (let attempt = 0; ; attempt++) {
        const d = await send(reader, Op.GET, key);
        if (d.kind === Kind.OK) return d.rest.equals(valueFor(i, size)) ? "right" : "wrong";
        if (d.kind === Kind.NotFound) return "missing";
        if (attempt === 2) { if (readFailed++ < 3) console.log(`read back failed: ${show(d)}`); return "failed"; }
        await sleep(500);
      }
    };
    for (const [key, w] of acked) {
      const r = await readBack(key, w);
      if (r === "missing") { if (lost++ < 5) console.log(`lost: an acknowledged set of ${w.size} bytes (request ${w.i})`); }
      if (r === "wrong") { if (readWrong++ < 5) console.log(`wrong: the value read back for request ${w.i} is not the one set`); }
    }
    for (const [key, w] of unacked) {
      const r = await readBack(key, w);
      if (r === "right") landed++; else if (r === "missing") notLanded++; else if (r === "wrong") readWrong++;
    }
    // keys() lists every acknowledged key (decoded from kv.portable()'s form on NATS).
    const k = await send(reader, Op.KEYS, "");
    let listed = null;
    if (k.kind === Kind.OK) {
      const names = new Set();
      let p = 4;
      for (let n = k.rest.readUInt32LE(0); n > 0; n--) { const len = k.rest.readUInt32LE(p); names.add(k.rest.subarray(p + 4, p + 4 + len).toString("utf8")); p += 4 + len; }
      listed = [...acked.keys()].filter((key) => names.has(key)).length;
    }

    const answers = Object.values(counts).reduce((a, b) => a + b, 0);
    const bad = Object.values(wrong).reduce((a, b) => a + b, 0);
    console.log(`${answers} checked answers in ${secs.toFixed(1)} s: ${bad} wrong`);
    for (const [what, n] of Object.entries(counts)) console.log(`  ${what}: ${n}${wrong[what] ? `, ${wrong[what]} wrong` : ""}`);
    if (faulted) console.log(`the fault: ${faulted.victim} killed after ${faulted.at} requests, back after ${faulted.back}`);
    console.log(`typed failures (${Object.values(failures).reduce((a, b) => a + b, 0)}):`);
    for (const [what, n] of Object.entries(failures)) console.log(`  ${n} ${what}`);
    console.log(`after the run: ${recovery.join("; ")}`);
    console.log(`read back through a fresh host: ${acked.size} acknowledged sets, ${lost} lost, ${readWrong} wrong, ${readFailed} unreadable; ` +
      `${unacked.size} failed sets: ${landed} landed anyway, ${notLanded} did not; keys() lists ${listed ?? `none (${show(k)})`} of the ${acked.size}`);
    code = bad || lost || readWrong || readFailed || listed !== acked.size ? 1 : 0;
  } finally {
    for (const h of hosts) await h.stop();
    await store.stop();
    rmSync(dir, { recursive: true, force: true });
  }
  return code;
}
