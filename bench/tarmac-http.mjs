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
 * `rounds` rounds that alternate which guest goes first, the ratio of requests per second taken
 * within each round. `ops` is [{ name, sdk: { seed, request }, raw: { seed, request } }].
 * Returns { [name]: { ratio (median), spread: [min, max], sdk_rps, raw_rps, sdk_cpu_us, raw_cpu_us } }.
 */
export async function measureTarmacOps({ bin, sdkWasm, rawWasm, ops, rounds = 16, ms = 500 }) {
  const servers = [];
  try {
    const sdk = await startTarmac(bin, sdkWasm); servers.push(sdk);
    const raw = await startTarmac(bin, rawWasm); servers.push(raw);
    const out = {};
    for (const op of ops) {
      for (const [server, side] of [[sdk, op.sdk], [raw, op.raw]]) {
        if (side.seed) await post(server.base, side.seed);
        await oneClient(server, side.request, 300); // warm every instance of the pool it reaches
      }
      const ratios = [], runs = { sdk: [], raw: [] };
      for (let i = 0; i < rounds; i++) {
        const order = i % 2 ? [["sdk", sdk, op.sdk], ["raw", raw, op.raw]] : [["raw", raw, op.raw], ["sdk", sdk, op.sdk]];
        const round = {};
        for (const [name, server, side] of order) round[name] = await oneClient(server, side.request, ms);
        ratios.push(round.sdk.rps / round.raw.rps);
        runs.sdk.push(round.sdk); runs.raw.push(round.raw);
      }
      out[op.name] = {
        ratio: median(ratios), spread: [Math.min(...ratios), Math.max(...ratios)],
        sdk_rps: median(runs.sdk.map((r) => r.rps)), raw_rps: median(runs.raw.map((r) => r.rps)),
        sdk_cpu_us: median(runs.sdk.map((r) => r.cpuPerRequest)), raw_cpu_us: median(runs.raw.map((r) => r.cpuPerRequest)),
      };
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
