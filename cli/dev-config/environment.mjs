// The APP_* settings Tarmac reads from the environment (through viper), with `tarmac-as dev`'s
// defaults and limits: the listen address (loopback only), the key:value store, SQL, debug and
// trace. Pure: the environment is passed in.
import { resolve, join } from "node:path";
import { parsePostgresDsn, parseMysqlDsn } from "./dsn.mjs";

/** Go's strconv.ParseBool, as viper's GetBool reads a setting; undefined for anything else. */
export function goBool(text) {
  if (["1", "t", "T", "TRUE", "true", "True"].includes(text)) return true;
  if (["0", "f", "F", "FALSE", "false", "False"].includes(text)) return false;
  return undefined;
}

/** Whether `host` (from APP_LISTEN_ADDR) is a loopback address. */
export function isLoopback(host) {
  const h = host.replace(/^\[|\]$/g, "").toLowerCase();
  return h === "localhost" || h === "::1" || h === "0:0:0:0:0:0:0:1" || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h);
}

/** "host:port" as Go's net.SplitHostPort reads it: { host, port }. */
export function splitHostPort(addr) {
  const m = /^(\[[^\]]*\]|[^:]*):(\d*)$/.exec(addr);
  if (!m) throw new Error(`APP_LISTEN_ADDR ${JSON.stringify(addr)} is not host:port (e.g. 127.0.0.1:8080)`);
  return { host: m[1].replace(/^\[|\]$/g, ""), port: m[2] === "" ? 0 : Number(m[2]) };
}

// A list setting as Tarmac's viper reads one from the environment: words separated by spaces.
const words = (v) => (v ?? "").split(/\s+/).filter(Boolean);

/**
 * The settings Tarmac reads from APP_* variables, with this command's defaults (a key:value store
 * in memory, loopback on port 8080). `port` (the --port option) overrides APP_LISTEN_ADDR's port.
 * Returns { listen: { host, port }, kv: { enabled, type: "in-memory"|"file"|"redis"|"nats"|
 * "cassandra", file, redis, nats }, sql: null | { driver, config }, debug, trace, warnings }.
 * Throws with a clear message on a setting this server cannot honour.
 */
export function envSettings(env, { port, projectDir, cwd = process.cwd() } = {}) {
  const warnings = [];
  const bool = (name, dflt) => {
    const v = env[name];
    if (v === undefined || v === "") return dflt;
    const b = goBool(v);
    if (b === undefined) { warnings.push(`${name}=${v} is not a value Go reads as a boolean (true, false, 1, 0, t, f); taken as false, as Tarmac would`); return false; }
    return b;
  };

  const addr = env.APP_LISTEN_ADDR || "127.0.0.1:8080";
  const listen = splitHostPort(addr);
  if (!isLoopback(listen.host)) {
    throw new Error(`APP_LISTEN_ADDR ${addr} is not a loopback address: tarmac-as dev is a local development server and listens only on 127.0.0.1, ::1 or localhost (run real Tarmac to serve other machines)`);
  }
  if (port !== undefined) {
    if (!/^\d+$/.test(String(port)) || Number(port) > 65535) throw new Error(`--port ${port} is not a port number`);
    listen.port = Number(port);
  }

  const kv = { enabled: bool("APP_ENABLE_KVSTORE", true), type: "in-memory", file: null };
  if (kv.enabled) {
    const type = env.APP_KVSTORE_TYPE || "in-memory";
    if (type === "internal" || type === "boltdb") {
      kv.type = "file";
      kv.file = env.APP_BOLTDB_FILENAME ? resolve(cwd, env.APP_BOLTDB_FILENAME) : join(projectDir, ".tarmac-as", "kv.json");
    } else if (type === "redis") {
      // A real Redis server, or the master Sentinel names, as Tarmac's Redis backend reads its
      // settings (a list setting is words separated by spaces, as Tarmac's viper reads it).
      const sentinels = words(env.APP_REDIS_SENTINEL_SERVERS);
      if (!env.APP_REDIS_SERVER && !sentinels.length) throw new Error("APP_KVSTORE_TYPE=redis needs APP_REDIS_SERVER (host:port of a Redis server) or APP_REDIS_SENTINEL_SERVERS with APP_REDIS_SENTINEL_MASTER");
      if (sentinels.length && !env.APP_REDIS_SENTINEL_MASTER) throw new Error("APP_REDIS_SENTINEL_SERVERS needs APP_REDIS_SENTINEL_MASTER: if using Sentinel the Redis Master must be defined");
      kv.type = "redis";
      kv.redis = { server: env.APP_REDIS_SERVER ?? "", sentinels, master: env.APP_REDIS_SENTINEL_MASTER ?? "", password: env.APP_REDIS_PASSWORD ?? "", database: Number(env.APP_REDIS_DATABASE ?? 0) || 0 };
    } else if (type === "nats") {
      // NATS JetStream key:value (Tarmac's main): APP_NATS_URL (Tarmac's default
      // nats://localhost:4222) and any APP_NATS_SERVERS, in bucket APP_NATS_BUCKET ("tarmac").
      kv.type = "nats";
      kv.nats = { servers: [env.APP_NATS_URL || "nats://localhost:4222", ...words(env.APP_NATS_SERVERS)], bucket: env.APP_NATS_BUCKET || "tarmac" };
    } else if (type === "cassandra") {
      kv.type = "cassandra";
      warnings.push("APP_KVSTORE_TYPE=cassandra: tarmac-as dev runs no Cassandra; it keeps the data in memory with Cassandra's key and value limits and key order (a model of Tarmac's Cassandra backend), not shared and gone when it stops");
    } else if (type !== "in-memory") {
      throw new Error(`unknown kvstore specified - ${type} (APP_KVSTORE_TYPE: in-memory, internal, boltdb, redis, nats or cassandra)`);
    }
  }

  let sql = null;
  if (bool("APP_ENABLE_SQL", false)) {
    const type = env.APP_SQL_TYPE ?? "";
    if (type !== "postgres" && type !== "mysql") throw new Error(`unknown sql store specified - ${type} (APP_SQL_TYPE: postgres or mysql)`);
    const dsn = env.APP_SQL_DSN ?? "";
    sql = { driver: type, config: type === "postgres" ? parsePostgresDsn(dsn, { cwd }) : parseMysqlDsn(dsn) };
  }

  const trace = bool("APP_TRACE", false);
  const debug = bool("APP_DEBUG", false) || trace;
  return { listen, kv, sql, debug, trace, warnings };
}
