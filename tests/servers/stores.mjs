// Real key:value servers Tarmac's stores run on, started by the tests on loopback: Redis, from
// Debian's redis-server package, in a fresh temporary directory on a free port, under guard.mjs
// (stopped when the tests call stop() or when this process exits in any way).
import { mkdtempSync, chmodSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { serve, findProgram, freePort } from "./databases.mjs";

/** STORES=required (as in CI): a store server that cannot start fails the tests that need it. */
export const storesRequired = process.env.STORES === "required";

const REDIS_MISSING = "redis-server not found: install Debian's redis-server package";

/** Starts Redis without persistence: { port, server: "127.0.0.1:<port>", stop }. */
export async function startRedis() {
  const command = findProgram(["redis-server"], ["/usr/bin", "/usr/sbin"]);
  if (!command) throw new Error(REDIS_MISSING);
  const dir = mkdtempSync(join(tmpdir(), "tarmac-as-redis-"));
  chmodSync(dir, 0o700);
  const port = await freePort();
  const args = ["--bind", "127.0.0.1", "--port", String(port), "--dir", dir, "--save", "", "--appendonly", "no", "--daemonize", "no"];
  const s = await serve("redis", { command, args, dir, stopSignal: "SIGTERM", port, ready: /Ready to accept connections/, config: null });
  return { ...s, server: `127.0.0.1:${port}` };
}

/**
 * For test files: { server } once Redis listens, or { skip } saying why its tests are skipped;
 * with STORES=required a Redis that cannot start throws instead.
 */
export async function redisForTests(file) {
  try {
    return { server: await startRedis() };
  } catch (e) {
    if (storesRequired) throw new Error(`STORES=required, but ${e.message}`);
    console.log(`${file}: Redis tests skipped - ${e.message}`);
    return { skip: e.message };
  }
}
