// Real key:value servers Tarmac's stores run on, started by the tests on loopback: Redis (and
// Redis Sentinel) from Debian's redis-server and redis-sentinel packages, NATS with JetStream
// (one node, or a cluster of three) from Debian's nats-server package, each in a fresh temporary
// directory on a free port, under guard.mjs (stopped when the tests call stop() or when this
// process exits in any way).
import { mkdtempSync, chmodSync, writeFileSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { serve, findProgram, freePort } from "./databases.mjs";

/** STORES=required (as in CI): a store server that cannot start fails the tests that need it. */
export const storesRequired = process.env.STORES === "required";

const REDIS_MISSING = "redis-server not found: install Debian's redis-server package";
const SENTINEL_MISSING = "redis-sentinel not found: install Debian's redis-sentinel package";
const NATS_MISSING = "nats-server not found: install Debian's nats-server package";

function freshDir(kind) {
  const dir = mkdtempSync(join(tmpdir(), `tarmac-as-${kind}-`));
  chmodSync(dir, 0o700);
  return dir;
}

/**
 * Starts Redis: { port, server: "127.0.0.1:<port>", stop, kill, restart }. Without `aof` it keeps
 * nothing on disk (a killed server comes back empty); with `aof` it appends every write to its
 * append-only file before it answers (appendfsync everysec, Redis's advice), so a server stopped
 * with `kill()` (SIGKILL) and started again with `restart()` has every acknowledged write back.
 */
export async function startRedis({ aof = false } = {}) {
  const command = findProgram(["redis-server"], ["/usr/bin", "/usr/sbin"]);
  if (!command) throw new Error(REDIS_MISSING);
  const data = aof ? freshDir("redis-data") : null;
  const port = await freePort();
  let node;
  const start = async () => {
    const dir = freshDir("redis");
    const persistence = aof ? ["--appendonly", "yes", "--appendfsync", "everysec"] : ["--save", "", "--appendonly", "no"];
    const args = ["--bind", "127.0.0.1", "--port", String(port), "--dir", data ?? dir, ...persistence, "--daemonize", "no"];
    node = await serve("redis", { command, args, dir, stopSignal: "SIGTERM", port, ready: /Ready to accept connections/, config: null });
  };
  await start();
  return {
    port, server: `127.0.0.1:${port}`,
    stop: async () => { await node.stop(); if (data) rmSync(data, { recursive: true, force: true }); },
    /** Kills the server (SIGKILL): its clients see it gone mid-call. */
    kill: () => node.kill(),
    restart: start,
  };
}

/**
 * Starts a Redis master and a Sentinel watching it as `master` (quorum 1): { master, sentinels:
 * ["127.0.0.1:<port>"], redis, stop }. The Sentinel answers the master's address, as hord's
 * driver asks it before each new connection. `aof` as for startRedis (the master is `redis`).
 */
export async function startSentinel(master = "tarmac", { aof = false } = {}) {
  const command = findProgram(["redis-sentinel"], ["/usr/bin", "/usr/sbin"]);
  if (!command) throw new Error(SENTINEL_MISSING);
  const redis = await startRedis({ aof });
  try {
    const dir = freshDir("sentinel");
    const port = await freePort();
    const config = join(dir, "sentinel.conf"); // Sentinel rewrites its file, so it is its own
    writeFileSync(config, [`bind 127.0.0.1`, `port ${port}`, `dir ${dir}`, `sentinel monitor ${master} 127.0.0.1 ${redis.port} 1`, ""].join("\n"));
    const s = await serve("redis-sentinel", { command, args: [config], dir, stopSignal: "SIGTERM", port, ready: /Sentinel ID is|monitor master/, config: null });
    return { master, sentinels: [`127.0.0.1:${port}`], redis, stop: async () => { await s.stop(); await redis.stop(); } };
  } catch (e) {
    await redis.stop();
    throw e;
  }
}

/**
 * Starts one NATS server with JetStream: { port, url: "nats://127.0.0.1:<port>", stop, kill,
 * restart }. `store` (a directory) keeps JetStream's files, so a node stopped with `kill()`
 * (SIGKILL) and started again with `restart()` has its data back; `cluster` joins it to a
 * cluster ({ name, port, routes }).
 */
export async function startNats({ name = "n1", store = freshDir("nats-data"), cluster = null } = {}) {
  const command = findProgram(["nats-server"], ["/usr/bin", "/usr/sbin"]);
  if (!command) throw new Error(NATS_MISSING);
  const port = await freePort();
  const args = ["-a", "127.0.0.1", "-p", String(port), "-js", "-sd", store, "--server_name", name];
  if (cluster) args.push("--cluster_name", cluster.name, "--cluster", `nats://127.0.0.1:${cluster.port}`, "--routes", cluster.routes.join(","));
  let node, dir;
  const start = async (stopSignal) => {
    dir = freshDir("nats");
    node = await serve(`nats-server ${name}`, { command, args, dir, stopSignal, port, ready: /Server is ready/, config: null });
  };
  await start("SIGTERM");
  return {
    name, port, store, url: `nats://127.0.0.1:${port}`,
    stop: async () => { await node.stop(); rmSync(store, { recursive: true, force: true }); },
    /** Kills the node (SIGKILL): its clients see it gone mid-call. */
    kill: async () => { await node.kill(); },
    restart: () => start("SIGTERM"),
    log: () => { try { return readFileSync(join(dir, "server.log"), "utf8"); } catch { return ""; } },
  };
}

/** Starts a JetStream cluster of `size` NATS nodes on loopback: { nodes, urls, stop }. */
export async function startNatsCluster(size = 3) {
  const routesPorts = [];
  for (let i = 0; i < size; i++) routesPorts.push(await freePort());
  const routes = routesPorts.map((p) => `nats://127.0.0.1:${p}`);
  const nodes = [];
  try {
    // Every node must be up before JetStream elects a leader: start them together.
    nodes.push(...await Promise.all(routesPorts.map((p, i) => startNats({ name: `n${i + 1}`, cluster: { name: "tarmac-as", port: p, routes } }))));
  } catch (e) {
    await Promise.all(nodes.map((n) => n.stop()));
    throw e;
  }
  const stop = () => Promise.all(nodes.map((n) => n.stop()));
  // Key:value needs JetStream's metadata leader, which the nodes elect once their routes are up.
  const until = Date.now() + 60000;
  while (!nodes.some((n) => /metadata leader/.test(n.log()))) {
    if (Date.now() > until) { await stop(); throw new Error("the NATS cluster elected no JetStream leader within 60 s"); }
    await new Promise((r) => setTimeout(r, 200));
  }
  return { nodes, urls: nodes.map((n) => n.url), stop };
}

/** For test files: { server } once `start()` has it running, or { skip } saying why its tests are skipped; with STORES=required a server that cannot start throws instead. */
export async function storeForTests(file, what, start) {
  try {
    return { server: await start() };
  } catch (e) {
    if (storesRequired) throw new Error(`STORES=required, but ${e.message}`);
    console.log(`${file}: ${what} tests skipped - ${e.message}`);
    return { skip: e.message };
  }
}
