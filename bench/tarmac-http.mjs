// Requests per second through a real Tarmac over loopback, for `npm run bench` when a Tarmac
// binary is given (TARMAC_BIN=/path/to/tarmac): one function does one kv.get through the SDK, the
// other the bare host call with a precomputed request. Each runs in its own Tarmac (in-memory
// key:value store, TLS off); 5 rounds of 2 s alternate between them and the median of each is kept.
import { spawn } from "node:child_process";
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

async function post(base, body) {
  const r = await fetch(`${base}/`, { method: "POST", body });
  const bytes = Buffer.from(await r.arrayBuffer());
  if (r.status !== 200) throw new Error(`tarmac answered ${r.status}`);
  return bytes;
}

/** Requests per second from `workers` concurrent keep-alive clients over `ms`. */
async function rps(base, body, ms, workers = 8) {
  let count = 0;
  const end = Date.now() + ms;
  await Promise.all(Array.from({ length: workers }, async () => {
    while (Date.now() < end) { await post(base, body); count++; }
  }));
  return count / (ms / 1000);
}

/**
 * { kv_get_rps, raw_rps } for the SDK guest and the raw guest, given the request bodies that
 * seed the key and read it in each.
 */
export async function measureTarmacHttp({ bin, sdk, raw, quick }) {
  const servers = [];
  try {
    const s = await startTarmac(bin, sdk.wasm); servers.push(s);
    const r = await startTarmac(bin, raw.wasm); servers.push(r);
    await post(s.base, sdk.seed);
    await post(r.base, raw.seed);
    if (!(await post(s.base, sdk.get)).equals(sdk.value)) throw new Error("the SDK guest read the wrong value through Tarmac");
    const ms = quick ? 1000 : 2000;
    await rps(s.base, sdk.get, 1000); await rps(r.base, raw.get, 1000); // warm both pools
    const sdkRuns = [], rawRuns = [];
    for (let i = 0; i < (quick ? 1 : 5); i++) {
      // Alternate which goes first, so drift in the machine's speed favours neither.
      if (i % 2) { sdkRuns.push(await rps(s.base, sdk.get, ms)); rawRuns.push(await rps(r.base, raw.get, ms)); }
      else { rawRuns.push(await rps(r.base, raw.get, ms)); sdkRuns.push(await rps(s.base, sdk.get, ms)); }
    }
    const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
    return { kv_get_rps: median(sdkRuns), raw_rps: median(rawRuns) };
  } finally {
    for (const s of servers) s.child.kill();
  }
}
