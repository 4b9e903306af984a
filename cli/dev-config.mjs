// What `tarmac-as dev` reads before it serves anything: the project's tarmac.json, checked as
// Tarmac's config package checks it; the APP_* settings Tarmac reads from the environment; the
// SQL DSN as lib/pq and go-sql-driver/mysql parse it; and the HTTP router (julienschmidt/httprouter
// v1.3.0, as Tarmac v0.10.0 uses it). Every function here is pure, or reads only the files named.
import { readFileSync } from "node:fs";
import { resolve, dirname, join } from "node:path";

/** Tarmac's pool size when a function's `pool_size` is 0 or missing (pkg/config DefaultPoolSize). */
export const DEFAULT_POOL_SIZE = 100;

/** Go's strconv.ParseBool, as viper's GetBool reads a setting; undefined for anything else. */
export function goBool(text) {
  if (["1", "t", "T", "TRUE", "true", "True"].includes(text)) return true;
  if (["0", "f", "F", "FALSE", "false", "False"].includes(text)) return false;
  return undefined;
}

const isInt = (v) => Number.isInteger(v);

/**
 * Reads and checks tarmac.json as Tarmac's config.Parse and Validate do, and resolves relative
 * filepaths against the file's folder. Where Tarmac would quietly start without the file (it
 * falls back to its default function when the file is invalid), this throws and says why.
 * Returns { path, dir, functions: Map(name -> { filepath, pool, service }), http: [{ method,
 * path, function }], init: [{ function, retries, frequency }], scheduled: [{ function,
 * frequency }], functionRoutes: [name], warnings: [text] }.
 */
export function loadTarmacConfig(path) {
  const file = resolve(path);
  const dir = dirname(file);
  let text;
  try { text = readFileSync(file, "utf8"); } catch (e) {
    throw new Error(e.code === "ENOENT" ? `no ${file}: tarmac-as dev serves a project's tarmac.json (run it in the project's folder, or pass --config)` : `cannot read ${file}: ${e.message}`);
  }
  let json;
  try { json = JSON.parse(text); } catch (e) { throw new Error(`${file} is not valid JSON: ${e.message}`); }
  const bad = (why) => new Error(`${file}: ${why} (Tarmac would refuse this file as an invalid configuration)`);
  if (json === null || typeof json !== "object" || Array.isArray(json)) throw bad("not a JSON object");
  if (json.services !== undefined && (json.services === null || typeof json.services !== "object" || Array.isArray(json.services))) throw bad(`"services" is not an object`);
  const out = { path: file, dir, functions: new Map(), http: [], init: [], scheduled: [], functionRoutes: [], warnings: [] };
  const seenRoutes = new Map();
  const referenced = [];
  for (const [svcKey, svc] of Object.entries(json.services ?? {})) {
    if (svc === null || typeof svc !== "object") throw bad(`service ${svcKey} is not an object`);
    if (typeof svc.name !== "string" || svc.name === "") throw bad(`service ${svcKey} has no "name"`);
    for (const [name, fn] of Object.entries(svc.functions ?? {})) {
      if (fn === null || typeof fn !== "object") throw bad(`function ${name} is not an object`);
      if (typeof fn.filepath !== "string" || fn.filepath === "") throw bad(`function ${name} has no "filepath"`);
      if (fn.pool_size !== undefined && (!isInt(fn.pool_size) || fn.pool_size < 0)) throw bad(`function ${name}: "pool_size" is not a whole number of instances`);
      if (out.functions.has(name)) throw new Error(`${file}: the function ${name} is defined by two services; Tarmac loads functions by name, so one would replace the other`);
      out.functions.set(name, { filepath: resolve(dir, fn.filepath), pool: fn.pool_size || DEFAULT_POOL_SIZE, service: svc.name });
    }
    for (const [i, r] of (svc.routes ?? []).entries()) {
      const where = `service ${svcKey}, route ${i + 1}`;
      if (r === null || typeof r !== "object") throw bad(`${where} is not an object`);
      if (typeof r.type !== "string" || r.type === "" || typeof r.function !== "string" || r.function === "") throw bad(`${where} has no "type" or no "function"`);
      for (const k of ["frequency", "retries"]) {
        if (r[k] !== undefined && (!isInt(r[k]) || r[k] < 0)) throw bad(`${where}: "${k}" is not a whole number`);
      }
      switch (r.type) {
        case "http": {
          if (typeof r.path !== "string" || r.path === "" || !Array.isArray(r.methods) || r.methods.length === 0) throw bad(`${where} (http) has no "path" or no "methods"`);
          if (!r.path.startsWith("/")) throw new Error(`${file}: ${where}: the path ${JSON.stringify(r.path)} must begin with "/" (Tarmac's router panics on it)`);
          for (const m of r.methods) {
            if (typeof m !== "string") throw bad(`${where}: a method is not a string`);
            if (m !== m.toUpperCase()) out.warnings.push(`${where}: the method ${JSON.stringify(m)} is not upper-case; HTTP methods are matched exactly, so no request will reach it`);
            const key = `${m} ${r.path}`;
            if (seenRoutes.has(key) || BUILTIN.some((b) => b.method === m && b.path === r.path)) {
              throw new Error(`${file}: ${where}: ${m} ${r.path} is already routed${seenRoutes.has(key) ? "" : " to Tarmac's own handler"} (Tarmac's router panics at start)`);
            }
            seenRoutes.set(key, r.function);
            out.http.push({ method: m, path: r.path, function: r.function });
          }
          break;
        }
        case "init":
          out.init.push({ function: r.function, retries: r.retries ?? 0, frequency: r.frequency || 1 });
          break;
        case "scheduled_task":
          if (!r.frequency) throw bad(`${where}: the scheduled_task for ${r.function} has no "frequency" (seconds between runs)`);
          out.scheduled.push({ function: r.function, frequency: r.frequency });
          break;
        case "function":
          out.functionRoutes.push(r.function);
          break;
        default:
          out.warnings.push(`${where}: the route type ${JSON.stringify(r.type)} is not one Tarmac serves (http, init, scheduled_task, function); ignored`);
      }
      referenced.push({ where, name: r.function });
    }
  }
  for (const { where, name } of referenced) {
    if (!out.functions.has(name)) out.warnings.push(`${where}: no function named ${name} is defined; calls to it fail with "unable to load wasi environment - module not found"`);
  }
  if (out.functions.size === 0) out.warnings.push(`${file} defines no functions`);
  return out;
}

// ---- The environment ------------------------------------------------------------------------

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

/**
 * The settings Tarmac reads from APP_* variables, with this command's defaults (a key:value store
 * in memory, loopback on port 8080). `port` (the --port option) overrides APP_LISTEN_ADDR's port.
 * Returns { listen: { host, port }, kv: { enabled, type: "in-memory"|"file", file }, sql: null |
 * { driver, config }, debug, trace, warnings }. Throws with a clear message on a setting this
 * server cannot honour.
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
    } else if (type === "redis" || type === "cassandra") {
      throw new Error(`APP_KVSTORE_TYPE=${type}: tarmac-as dev keeps the key:value store in memory (in-memory) or in a file (internal); run real Tarmac for ${type}`);
    } else if (type !== "in-memory") {
      throw new Error(`unknown kvstore specified - ${type} (APP_KVSTORE_TYPE: in-memory, internal or boltdb)`);
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

// ---- SQL DSNs -------------------------------------------------------------------------------

/** lib/pq's key=value connection string: values bare or single-quoted, with backslash escapes. */
function pqKeyValues(dsn) {
  const out = {};
  let i = 0;
  const n = dsn.length;
  const space = (c) => c === " " || c === "\t" || c === "\n" || c === "\r" || c === "\v" || c === "\f";
  while (i < n) {
    while (i < n && space(dsn[i])) i++;
    if (i >= n) break;
    let key = "";
    while (i < n && dsn[i] !== "=" && !space(dsn[i])) key += dsn[i++];
    while (i < n && space(dsn[i])) i++;
    if (dsn[i] !== "=") throw new Error(`APP_SQL_DSN: missing "=" after ${JSON.stringify(key)} in the connection string (lib/pq's key=value form, or a postgres:// URL)`);
    i++;
    while (i < n && space(dsn[i])) i++;
    let value = "";
    if (dsn[i] === "'") {
      i++;
      for (;;) {
        if (i >= n) throw new Error("APP_SQL_DSN: unterminated quoted string in the connection string");
        if (dsn[i] === "\\") { value += dsn[i + 1] ?? ""; i += 2; continue; }
        if (dsn[i] === "'") { i++; break; }
        value += dsn[i++];
      }
    } else {
      while (i < n && !space(dsn[i])) {
        if (dsn[i] === "\\") { value += dsn[i + 1] ?? ""; i += 2; continue; }
        value += dsn[i++];
      }
    }
    out[key] = value;
  }
  return out;
}

/**
 * APP_SQL_DSN for APP_SQL_TYPE=postgres, as lib/pq reads it (a postgres:// or postgresql:// URL,
 * or key=value pairs), as the configuration node-postgres takes. Like lib/pq, no sslmode means
 * "require" (TLS without verifying the certificate); a local server without TLS needs
 * sslmode=disable, as it would under Tarmac.
 */
export function parsePostgresDsn(dsn, { cwd = process.cwd() } = {}) {
  let o;
  if (/^postgres(ql)?:\/\//.test(dsn)) {
    let u;
    try { u = new URL(dsn); } catch (e) { throw new Error(`APP_SQL_DSN is not a valid URL: ${e.message}`); }
    o = {};
    if (u.username) o.user = decodeURIComponent(u.username);
    if (u.password) o.password = decodeURIComponent(u.password);
    if (u.hostname) o.host = u.hostname.replace(/^\[|\]$/g, "");
    if (u.port) o.port = u.port;
    const db = decodeURIComponent(u.pathname.replace(/^\//, ""));
    if (db) o.dbname = db;
    for (const [k, v] of u.searchParams) o[k] = v;
  } else if (/^[a-z]+:\/\//i.test(dsn)) {
    throw new Error(`APP_SQL_DSN: invalid connection protocol ${dsn.split(":")[0]} (lib/pq takes postgres:// or postgresql://)`);
  } else {
    o = pqKeyValues(dsn);
  }
  const config = {};
  if (o.host !== undefined) config.host = o.host;
  if (o.port !== undefined) {
    if (!/^\d+$/.test(o.port)) throw new Error(`APP_SQL_DSN: the port ${JSON.stringify(o.port)} is not a number`);
    config.port = Number(o.port);
  }
  if (o.user !== undefined) config.user = o.user;
  if (o.password !== undefined) config.password = o.password;
  if (o.dbname !== undefined) config.database = o.dbname;
  if (o.application_name !== undefined) config.application_name = o.application_name;
  if (o.connect_timeout !== undefined && Number(o.connect_timeout) > 0) config.connectionTimeoutMillis = Number(o.connect_timeout) * 1000;
  const mode = o.sslmode ?? "require";
  const file = (k) => (o[k] ? readFileSync(resolve(cwd, o[k]), "utf8") : undefined);
  switch (mode) {
    case "disable": config.ssl = false; break;
    case "require": config.ssl = { rejectUnauthorized: false }; break;
    // verify-ca checks the chain but not the host name; node's TLS cannot say that without a
    // callback (which cannot reach the I/O worker), so it verifies both, as verify-full does.
    case "verify-ca":
    case "verify-full": config.ssl = { rejectUnauthorized: true }; break;
    default: throw new Error(`APP_SQL_DSN: pq: unsupported sslmode ${JSON.stringify(mode)}; only "require" (default), "verify-full", "verify-ca", and "disable" supported`);
  }
  if (config.ssl) {
    for (const [k, opt] of [["sslrootcert", "ca"], ["sslcert", "cert"], ["sslkey", "key"]]) {
      const v = file(k);
      if (v !== undefined) config.ssl[opt] = v;
    }
  }
  return config;
}

/** A Go duration ("5s", "1m30s", "250ms") in milliseconds, or NaN. */
function goDurationMs(text) {
  const units = { ns: 1e-6, us: 1e-3, "µs": 1e-3, ms: 1, s: 1000, m: 60000, h: 3600000 };
  const re = /(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/gy;
  let total = 0, m, at = 0;
  if (!text) return NaN;
  while ((m = re.exec(text))) { total += Number(m[1]) * units[m[2]]; at = re.lastIndex; }
  return at === text.length ? total : NaN;
}

/**
 * APP_SQL_DSN for APP_SQL_TYPE=mysql, as go-sql-driver/mysql's ParseDSN reads
 * `[user[:password]@][net[(addr)]]/dbname[?param=value&...]`, as the configuration mysql2 takes.
 */
export function parseMysqlDsn(dsn) {
  const slash = dsn.lastIndexOf("/");
  if (slash < 0) throw new Error("APP_SQL_DSN: invalid DSN: missing the slash separating the database name ([user[:password]@][net[(addr)]]/dbname)");
  const head = dsn.slice(0, slash);
  const tail = dsn.slice(slash + 1);
  const config = {};
  let rest = head;
  const at = head.lastIndexOf("@");
  if (at >= 0) {
    const cred = head.slice(0, at);
    const colon = cred.indexOf(":");
    config.user = colon >= 0 ? cred.slice(0, colon) : cred;
    if (colon >= 0) config.password = cred.slice(colon + 1);
    rest = head.slice(at + 1);
  }
  let net = rest, addr = "";
  const open = rest.indexOf("(");
  if (open >= 0) {
    if (!rest.endsWith(")")) throw new Error("APP_SQL_DSN: invalid DSN: did you forget to escape a param value?");
    net = rest.slice(0, open);
    addr = rest.slice(open + 1, -1);
  }
  net ||= "tcp";
  if (net === "unix") config.socketPath = addr || "/tmp/mysql.sock";
  else if (net === "tcp" || net === "tcp6" || net === "tcp4") {
    const { host, port } = splitAddr(addr || "127.0.0.1:3306");
    config.host = host;
    config.port = port;
  } else throw new Error(`APP_SQL_DSN: the network ${JSON.stringify(net)} is not one tarmac-as dev can reach (tcp or unix)`);
  const q = tail.indexOf("?");
  const db = q >= 0 ? tail.slice(0, q) : tail;
  if (db) config.database = decodeURIComponent(db);
  if (q >= 0) {
    for (const [k, v] of new URLSearchParams(tail.slice(q + 1))) {
      if (k === "tls") {
        if (v === "true") config.ssl = {};
        else if (v === "skip-verify" || v === "preferred") config.ssl = { rejectUnauthorized: false };
        else if (v !== "false") throw new Error(`APP_SQL_DSN: tls=${v}: a registered TLS configuration exists only in a Go program; use true, skip-verify or false`);
      } else if (k === "timeout") {
        const ms = goDurationMs(v);
        if (!Number.isFinite(ms)) throw new Error(`APP_SQL_DSN: timeout=${v} is not a Go duration (e.g. 5s)`);
        config.connectTimeout = ms;
      } else if (k === "charset") {
        config.charset = v.split(",")[0];
      }
    }
  }
  return config;
}

function splitAddr(addr) {
  const m = /^(\[[^\]]*\]|[^:]*)(?::(\d+))?$/.exec(addr);
  if (!m) throw new Error(`APP_SQL_DSN: the address ${JSON.stringify(addr)} is not host:port`);
  return { host: m[1].replace(/^\[|\]$/g, "") || "127.0.0.1", port: m[2] ? Number(m[2]) : 3306 };
}

// ---- The HTTP router ------------------------------------------------------------------------

/** The handlers Tarmac registers itself (GET only); pprof answers 403 unless enabled. */
export const BUILTIN = [
  { method: "GET", path: "/health", builtin: "health" },
  { method: "GET", path: "/ready", builtin: "ready" },
  { method: "GET", path: "/metrics", builtin: "metrics" },
  ...["", "cmdline", "profile", "symbol", "trace", "allocs", "mutex", "goroutine", "heap", "threadcreate", "block"]
    .map((p) => ({ method: "GET", path: `/debug/pprof/${p}`, builtin: "pprof" })),
];

const escapeRe = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
/** httprouter's path syntax: `:name` matches one segment, `*name` (last) the rest of the path. */
function pathPattern(path) {
  let re = "^";
  for (const part of path.split(/(:[^/]+|\*.+$)/)) {
    if (part.startsWith(":")) re += "[^/]+";
    else if (part.startsWith("*")) re += ".*";
    else re += escapeRe(part);
  }
  return new RegExp(re + "$");
}

/**
 * Tarmac's HTTP routing: httprouter picks a handler by method and path, then the WASM handler
 * looks the function up by `http:<METHOD>:<path>` exactly, falling back to the function named
 * "default" (so a path with `:param` or `*rest` reaches "default", as under Tarmac). A path no
 * route matches is 404; one routed for other methods is 405 with Allow (OPTIONS: 200 with
 * Allow); a GET for `/x/` routed as `/x` (or the reverse) is redirected, 301 for GET, 307 else.
 * `match(method, path, escapedPath)` (the path decoded, as httprouter matches it, and as sent, as
 * Tarmac looks the function up) returns { kind: "function", function, route } | { kind: "builtin", name }
 * | { kind: "redirect", status, path } | { kind: "options", allow } | { kind: "method", allow }
 * | { kind: "notfound" }.
 */
export function makeRouter(httpRoutes) {
  const routes = [...BUILTIN, ...httpRoutes].map((r) => ({ ...r, re: pathPattern(r.path) }));
  const exact = new Map(httpRoutes.map((r) => [`${r.method}:${r.path}`, r.function]));
  const find = (method, path) => routes.find((r) => r.method === method && r.re.test(path));
  const allowed = (path, except) => {
    const methods = [...new Set(routes.filter((r) => r.method !== except && r.method !== "OPTIONS" && r.re.test(path)).map((r) => r.method))].sort();
    if (methods.length) methods.push("OPTIONS");
    return methods.join(", ");
  };
  return {
    match(method, path, escapedPath = path) {
      const r = find(method, path);
      if (r) {
        if (r.builtin) return { kind: "builtin", name: r.builtin };
        return { kind: "function", function: exact.get(`${method}:${escapedPath}`) ?? "default", route: r.path };
      }
      if (method !== "CONNECT" && path !== "/") {
        const other = path.endsWith("/") ? path.slice(0, -1) : path + "/";
        if (find(method, other)) return { kind: "redirect", status: method === "GET" ? 301 : 307, path: other };
      }
      if (method === "OPTIONS") {
        const allow = allowed(path, "OPTIONS");
        if (allow) return { kind: "options", allow };
      } else {
        const allow = allowed(path, method);
        if (allow) return { kind: "method", allow };
      }
      return { kind: "notfound" };
    },
  };
}
