// APP_SQL_DSN, as the Go drivers Tarmac links parse it: lib/pq for postgres (a URL or key=value
// pairs), go-sql-driver/mysql for mysql; each turned into the configuration node-postgres or
// mysql2 takes. Pure, but for the TLS files a postgres DSN names (read relative to `cwd`).
import { readFileSync } from "node:fs";
import { resolve } from "node:path";

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
