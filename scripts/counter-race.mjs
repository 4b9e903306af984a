// npm run counter-race - TARMAC_BIN=/path/to/tarmac: how many increments a get-then-set counter
// loses when many requests run at once. Starts Redis (Debian's redis-server) on loopback and a
// real Tarmac on it with a pool of instances, runs the kv-counter example (each request reads
// the count, adds one and writes it back) from many keep-alive clients, then compares the count
// with the requests answered. Tarmac has no atomic increment or compare-and-swap, so two
// requests that read the same count write the same next one.
//
//   --requests N     requests in all (default 4,000)
//   --clients C      concurrent clients (default 8)
//   --pool P         APP_WASM_POOL_SIZE (default 100, Tarmac's default)
//   --store S        redis (default) or in-memory
//   --sql            the sql-counter example instead, on a PostgreSQL it starts: one statement
//                    adds one and returns the count, so none is lost
import { join } from "node:path";
import { root } from "./examples.mjs";
import { startTarmac } from "../bench/tarmac-http.mjs";
import { tarmacBin, arg } from "./real-tarmac.mjs";
import { startRedis } from "../tests/servers/stores.mjs";
import { RedisStore } from "../host/engine/server-stores.mjs";
import { startPostgres } from "../tests/servers/databases.mjs";

const bin = tarmacBin("counter-race");
const total = Number(arg("--requests", 4000));
const clients = Number(arg("--clients", 8));
const pool = Number(arg("--pool", 100));
const storeType = arg("--store", "redis");
const useSql = process.argv.includes("--sql");
const example = useSql ? "sql-counter" : "kv-counter";
const wasm = join(root, "examples", example, "build", `${example}.wasm`); // npm run build:examples

const redis = !useSql && storeType === "redis" ? await startRedis() : null;
const pg = useSql ? await startPostgres() : null;
const env = { APP_WASM_POOL_SIZE: String(pool), APP_KVSTORE_TYPE: useSql ? "in-memory" : storeType, ...(redis ? { APP_REDIS_SERVER: redis.server } : {}),
  ...(pg ? { APP_ENABLE_SQL: "true", APP_SQL_TYPE: "postgres", APP_SQL_DSN: `postgres://${pg.config.user}@${pg.config.host}:${pg.config.port}/${pg.config.database}?sslmode=disable` } : {}) };
const { child, base } = await startTarmac(bin, wasm, env);
let sent = 0, answered = 0, failed = 0, highest = 0;
const started = Date.now();
try {
  await Promise.all(Array.from({ length: clients }, async () => {
    while (sent < total) {
      sent++;
      const r = await fetch(`${base}/`);
      const text = await r.text();
      if (r.status !== 200 || !/^\d+$/.test(text)) { failed++; if (failed <= 3) console.log(`failed: HTTP ${r.status} ${text.slice(0, 200)}`); continue; }
      answered++;
      highest = Math.max(highest, Number(text));
    }
  }));
} finally {
  child.kill();
}
const stored = redis ? Number(new RedisStore({ server: redis.server }).get("kv-counter:requests").toString()) : highest;
await redis?.stop();
await pg?.stop();
const lost = answered - stored;
console.log(`${example}: ${answered} increments answered (${failed} failed) by ${clients} clients through a pool of ${pool} on ${useSql ? "PostgreSQL" : storeType} in ${((Date.now() - started) / 1000).toFixed(1)} s: the count is ${stored}, ${lost} increments lost (${((100 * lost) / answered).toFixed(1)}%)`);
process.exit(0);
