// Real Tarmac for `npm run bench` when a Tarmac binary is given (TARMAC_BIN=/path/to/tarmac),
// over loopback: the SDK's guest against the bare host call, per operation and size, and the
// memory of one pooled instance. Each guest runs in its own Tarmac (in-memory key:value store,
// TLS off). Also starts Tarmac for scripts/tarmac-load.mjs and scripts/conformance.mjs.
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { createServer } from "node:net";

const freePort = () => new Promise((resolve) => {
  const s = createServer();
  s.listen(0, "127.0.0.1", () => { const { port } = s.address(); s.close(() => resolve(port)); });
});
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Starts Tarmac on a free loopback port with `wasm` as its function; `env` adds settings. */
export async function startTarmac(bin, wasm, env = {}) {
  const port = await freePort();
  const settings = {
    ...process.env, APP_ENABLE_TLS: "false", APP_LISTEN_ADDR: `127.0.0.1:${port}`, APP_ENABLE_KVSTORE: "true",
    APP_KVSTORE_TYPE: "in-memory", APP_WASM_FUNCTION: wasm, APP_WASM_FUNCTION_CONFIG: "/nonexistent/tarmac.json", ...env,
  };
  const child = spawn(bin, [], { env: settings, stdio: ["ignore", "ignore", "pipe"] });
  let log = "";
  child.stderr.on("data", (d) => { log = (log + d).slice(-4000); });
  const base = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 300; i++) {
    if (child.exitCode !== null) throw new Error(`tarmac exited: ${log}`);
    try { if ((await fetch(`${base}/ready`)).status === 200) return { child, base }; } catch {}
    await sleep(100);
  }
  child.kill();
  throw new Error(`tarmac did not become ready: ${log}`);
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
// Tarmac's CPU time so far, in microseconds (user + system, from /proc; 100 ticks a second).
const cpuMicros = (pid) => {
  const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
  return (Number(fields[11]) + Number(fields[12])) * 10000;
};
const rssKiB = (pid) => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))[1]);

async function post(base, body) {
  const r = await fetch(`${base}/`, { method: "POST", body });
  const bytes = Buffer.from(await r.arrayBuffer());
  if (r.status !== 200) throw new Error(`tarmac answered ${r.status}: ${bytes.toString().slice(0, 200)}`);
  return bytes;
}

/** One client's sequential requests for about `ms`: { rps, cpuPerRequest (µs of Tarmac's CPU) }. */
async function oneClient(server, body, ms) {
  const end = Date.now() + ms;
  const cpu = cpuMicros(server.child.pid);
  const t = process.hrtime.bigint();
  let n = 0;
  do { await post(server.base, body); n++; } while (Date.now() < end);
  const secs = Number(process.hrtime.bigint() - t) / 1e9;
  return { rps: n / secs, cpuPerRequest: (cpuMicros(server.child.pid) - cpu) / n };
}

/**
 * The SDK against the raw host call through real Tarmac, per operation and size: one client,
 * `rounds` rounds of about `ms` each. Within a round the client sends one request to each run
 * in turn (rotating which goes first), so drift on a noisy machine lands on every run alike;
 * a round's ratio is that of their total times, the same count of requests each. Each run has
 * its own Tarmac, so Tarmac's CPU time per request is each run's own. `guests` maps a name to a
 * module. Each op is { name, runs: { sdk, raw, floor? } }, a run being { guest, seed?, request };
 * `floor` is the least work the JSON wire allows (the raw call plus decoding the value).
 * Returns { [name]: { ratio (sdk/raw, median of rounds), spread: [min, max], floor_ratio
 * (floor/raw), floor_spread, sdk_to_floor (sdk/floor), <run>_rps, <run>_cpu_us } }.
 */
export async function measureTarmacOps({ bin, guests, ops, rounds = 16, ms = 500 }) {
  const servers = [];
  try {
    const out = {};
    for (const op of ops) {
      const runs = [];
      for (const [name, run] of Object.entries(op.runs)) {
        const server = await startTarmac(bin, guests[run.guest]);
        servers.push(server);
        if (run.seed) await post(server.base, run.seed);
        await oneClient(server, run.request, 300); // warm every instance of the pool it reaches
        runs.push({ name, server, request: run.request });
      }
      const perRound = [];
      for (let i = 0; i < rounds; i++) {
        const time = Object.fromEntries(runs.map((r) => [r.name, 0n]));
        const cpu = Object.fromEntries(runs.map((r) => [r.name, cpuMicros(r.server.child.pid)]));
        const end = Date.now() + ms * runs.length;
        let n = 0;
        do {
          for (let j = 0; j < runs.length; j++) {
            const r = runs[(i + j + n) % runs.length];
            const t = process.hrtime.bigint();
            await post(r.server.base, r.request);
            time[r.name] += process.hrtime.bigint() - t;
          }
          n++;
        } while (Date.now() < end);
        perRound.push(Object.fromEntries(runs.map((r) => [r.name, {
          rps: n / (Number(time[r.name]) / 1e9),
          cpuPerRequest: (cpuMicros(r.server.child.pid) - cpu[r.name]) / n,
        }])));
      }
      const ratios = (a, b) => perRound.map((r) => r[a].rps / r[b].rps);
      const sdkRaw = ratios("sdk", "raw");
      const result = { ratio: median(sdkRaw), spread: [Math.min(...sdkRaw), Math.max(...sdkRaw)] };
      if (op.runs.floor) {
        const floorRaw = ratios("floor", "raw");
        result.floor_ratio = median(floorRaw);
        result.floor_spread = [Math.min(...floorRaw), Math.max(...floorRaw)];
        result.sdk_to_floor = median(ratios("sdk", "floor"));
      }
      for (const { name } of runs) {
        result[`${name}_rps`] = median(perRound.map((r) => r[name].rps));
        result[`${name}_cpu_us`] = median(perRound.map((r) => r[name].cpuPerRequest));
      }
      out[op.name] = result;
      while (servers.length) servers.pop().child.kill();
    }
    return out;
  } finally {
    for (const s of servers) s.child.kill();
  }
}

/**
 * Tarmac's RSS per pooled instance of a guest: Tarmac with a pool of 100 against a pool of 1,
 * the difference over 99, when new, after 200 small requests (every instance used twice) and
 * after 300 requests of `large` (each instance three times). Resolves to KiB per instance.
 */
export async function measureInstanceMemory({ bin, wasm, small, large, seeds = [] }) {
  const rss = {};
  for (const pool of [1, 100]) {
    const server = await startTarmac(bin, wasm, { APP_WASM_POOL_SIZE: String(pool) });
    try {
      for (const seed of seeds) await post(server.base, seed);
      await new Promise((r) => setTimeout(r, 300));
      const idle = rssKiB(server.child.pid);
      for (let i = 0; i < 200; i++) await post(server.base, small);
      const afterSmall = rssKiB(server.child.pid);
      for (let i = 0; i < 300; i++) await post(server.base, large);
      rss[pool] = { idle, afterSmall, afterLarge: rssKiB(server.child.pid) };
    } finally {
      server.child.kill();
    }
  }
  const per = (k) => (rss[100][k] - rss[1][k]) / 99;
  return { idle: per("idle"), after_small: per("afterSmall"), after_large: per("afterLarge") };
}
