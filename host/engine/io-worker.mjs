// The I/O side of SyncBridge: HTTP requests as Go's net/http client would make them, SQL on a
// real database, and the key:value stores on a server (store-clients.mjs). Bodies are raw bytes
// (they arrive as a Uint8Array): how a reply encodes them is the callback's business.
import { workerData } from "node:worker_threads";
import http from "node:http";
import https from "node:https";
import { gunzipSync } from "node:zlib";
import { rowsJSON } from "./sql-rows.mjs";
import { redisCommand, natsCommand } from "./store-clients.mjs";

const { port, flag } = workerData;
const httpAgent = new http.Agent({ keepAlive: true });
const httpsAgents = new Map();
const httpsAgent = (insecure) => {
  if (!httpsAgents.has(insecure)) httpsAgents.set(insecure, new https.Agent({ keepAlive: true, rejectUnauthorized: !insecure }));
  return httpsAgents.get(insecure);
};

// Why Go's url.Parse refuses `url`, in its words, for the mistakes Node's URL reports only as
// "Invalid URL"; null when Go would parse it.
function goParseError(url) {
  const escape = /%(?![0-9a-fA-F]{2})(.{0,2})/s.exec(url);
  if (escape) return `invalid URL escape ${JSON.stringify("%" + escape[1])}`;
  const authority = /^[a-zA-Z][a-zA-Z0-9+.-]*:\/\/([^/?#]*)/.exec(url)?.[1];
  if (authority !== undefined) {
    const host = authority.slice(authority.lastIndexOf("@") + 1);
    if (host.startsWith("[") && !host.includes("]")) return "missing ']' in host";
    const port = host.startsWith("[") ? host.slice(host.indexOf("]") + 1) : host.slice(host.indexOf(":") >= 0 ? host.indexOf(":") : host.length);
    if (port && !/^:\d*$/.test(port)) return `invalid port ${JSON.stringify(port)} after host`;
  }
  return null;
}

function request({ method, url, headers, body, insecure, maxBody }, redirects = 0) {
  return new Promise((resolve) => {
    let u;
    const goError = goParseError(url);
    if (goError) { resolve({ error: `parse ${JSON.stringify(url)}: ${goError}`, stage: "create" }); return; }
    try { u = new URL(url); } catch (e) { resolve({ error: `parse ${JSON.stringify(url)}: ${e.message}`, stage: "create" }); return; }
    if (u.protocol !== "http:" && u.protocol !== "https:") {
      resolve({ error: `${method[0]}${method.slice(1).toLowerCase()} ${JSON.stringify(url)}: unsupported protocol scheme ${JSON.stringify(u.protocol.replace(/:$/, ""))}`, stage: "do" });
      return;
    }
    const lib = u.protocol === "https:" ? https : http;
    // As Go's transport sends it: keep-alive, a User-Agent, Content-Length rather than chunked,
    // and Accept-Encoding: gzip (then undone transparently) unless the caller set one.
    const out = { ...headers };
    const has = (name) => Object.keys(out).some((k) => k.toLowerCase() === name);
    if (!has("user-agent")) out["User-Agent"] = "Go-http-client/1.1";
    const addedGzip = !has("accept-encoding") && !has("range") && method !== "HEAD";
    if (addedGzip) out["Accept-Encoding"] = "gzip";
    if (body && body.length) out["Content-Length"] = String(body.length);
    const agent = u.protocol === "https:" ? httpsAgent(insecure) : httpAgent;
    const req = lib.request(u, { method, headers: out, agent }, (res) => {
      // Go's client follows redirects (10 at most); 303, and 301/302 after POST, become GET.
      if ([301, 302, 303, 307, 308].includes(res.statusCode) && res.headers.location && redirects < 10) {
        res.resume();
        const next = new URL(res.headers.location, u).toString();
        const toGet = res.statusCode === 303 || ((res.statusCode === 301 || res.statusCode === 302) && method === "POST");
        resolve(request({ method: toGet ? "GET" : method, url: next, headers, body: toGet ? null : body, insecure, maxBody }, redirects + 1));
        return;
      }
      const chunks = [];
      let size = 0;
      res.on("data", (c) => {
        if (size < maxBody) chunks.push(c.subarray(0, maxBody - size));
        size += c.length;
      });
      res.on("end", () => {
        // Go's Header.Get: the first value of each header, names lower-cased by Tarmac. Go keeps
        // Transfer-Encoding out of the header map.
        // `all`: every value of each header in the order received (main's protobuf answer).
        const first = {};
        const all = {};
        for (let i = 0; i < res.rawHeaders.length; i += 2) {
          const k = res.rawHeaders[i].toLowerCase();
          if (k === "transfer-encoding") continue;
          if (!(k in first)) first[k] = res.rawHeaders[i + 1];
          (all[k] ??= []).push(res.rawHeaders[i + 1]);
        }
        let data = Buffer.concat(chunks);
        if (addedGzip && (first["content-encoding"] ?? "").toLowerCase() === "gzip") {
          try { data = gunzipSync(data).subarray(0, maxBody); } catch { /* Go would fail the read */ }
          for (const h of [first, all]) { delete h["content-encoding"]; delete h["content-length"]; }
        }
        resolve({ code: res.statusCode, headers: first, all, body: data });
      });
      res.on("error", (e) => resolve({ error: e.message, stage: "read" }));
    });
    // Worded as Go's net/http words it, where Node's wording differs.
    req.on("error", (e) => {
      const why = e.code === "ECONNREFUSED" ? `dial tcp ${u.hostname}:${u.port || (u.protocol === "https:" ? 443 : 80)}: connect: connection refused`
        : e.code === "DEPTH_ZERO_SELF_SIGNED_CERT" || e.code === "SELF_SIGNED_CERT_IN_CHAIN" ? "tls: failed to verify certificate: x509: certificate signed by unknown authority"
        : e.message;
      resolve({ error: `${method[0]}${method.slice(1).toLowerCase()} ${JSON.stringify(url)}: ${why}`, stage: "do" });
    });
    if (body && body.length) req.write(Buffer.from(body));
    req.end();
  });
}

// SQL on a real database, shaped as Tarmac's drivers hand rows to encoding/json (sql-rows.mjs).
// Returns { json } (null: no rows) or { error }.
const clients = new Map();
async function client(driver, config) {
  const id = driver + JSON.stringify(config);
  if (!clients.has(id)) {
    if (driver === "postgres") {
      const pg = (await import("pg")).default;
      const c = new pg.Client({ ...config, types: { getTypeParser: () => (v) => v } });
      await c.connect();
      const last = (r) => (Array.isArray(r) ? r.at(-1) : r);
      clients.set(id, {
        query: async (q) => last(await c.query({ text: q, rowMode: "array" })),
        exec: async (q) => last(await c.query(q)),
      });
    } else {
      const mysql = (await import("mysql2/promise")).default;
      const c = await mysql.createConnection({ ...config, multipleStatements: false, typeCast: (field) => field.buffer() });
      clients.set(id, {
        query: async (q) => { const [rows, fields] = await c.query({ sql: q, rowsAsArray: true }); return { rows: Array.isArray(rows) ? rows : [], fields: fields ?? [] }; },
        // A statement that returns rows (a SELECT) has no OK packet: nothing affected.
        exec: async (q) => { const [r] = await c.query({ sql: q }); return Array.isArray(r) ? { affectedRows: 0, insertId: 0 } : r; },
      });
    }
  }
  return clients.get(id);
}

// lib/pq's error text: "pq: " and the message in v1.10 (Tarmac v0.10.0); from v1.12 (Tarmac
// main) also where in the query it failed and the SQLSTATE code (lib/pq's Error.Error).
function pqError(e, query, withPosition) {
  if (!withPosition) return `pq: ${e.message}`;
  let msg = e.message;
  const pos = Number(e.position);
  if (e.position && Number.isInteger(pos)) {
    const lines = query.split("\n");
    let read = 0, line = 0, col = 0;
    for (const l of lines) {
      line++;
      const ll = [...l].length + 1; // runes, and the removed newline
      if (read + ll >= pos) { col = Math.max(pos - read, 1); break; }
      read += ll;
    }
    msg += lines.length === 1 ? ` at column ${col}` : ` at position ${line}:${col}`;
  }
  return e.code ? `pq: ${msg} (${e.code})` : `pq: ${msg}`;
}

async function sqlQuery({ driver, config, query, pqPositions = false }) {
  try {
    const c = await client(driver, config);
    const r = await c.query(query);
    const fields = r.fields ?? [];
    const rows = fields.length === 0 ? [] : (r.rows ?? []).map((row) => fields.map((f, i) => ({ name: f.name, value: row[i], type: driver === "postgres" ? f.dataTypeID : undefined })));
    // rows.Columns(): the result's column names in the database's order.
    return { json: rowsJSON(driver, rows), columns: fields.map((f) => f.name) };
  } catch (e) {
    return { error: driverError(driver, e, query, pqPositions) };
  }
}

// As lib/pq and go-sql-driver/mysql word their errors.
const driverError = (driver, e, query, pqPositions) => (driver === "postgres" ? pqError(e, query, pqPositions)
  : e.errno ? `Error ${e.errno} (${e.sqlState}): ${e.sqlMessage}` : e.message);

// database/sql's ExecContext and its Result: { rowsAffected, lastInsertId } (lastInsertId null
// where the driver has none: lib/pq), or { error }. lib/pq counts from the last statement's
// command tag (0 for one without a count); go-sql-driver/mysql from the OK packet.
async function sqlExec({ driver, config, query, pqPositions = false }) {
  try {
    const c = await client(driver, config);
    const r = await c.exec(query);
    return driver === "postgres" ? { rowsAffected: r.rowCount ?? 0, lastInsertId: null }
      : { rowsAffected: r.affectedRows ?? 0, lastInsertId: r.insertId ?? 0 };
  } catch (e) {
    return { error: driverError(driver, e, query, pqPositions) };
  }
}

const kinds = { http: request, sql: sqlQuery, exec: sqlExec, redis: redisCommand, nats: natsCommand };

port.on("message", async ({ kind, args }) => {
  let result;
  try {
    result = await kinds[kind](args);
  } catch (e) {
    result = { error: String(e && e.message || e), stage: "internal" };
  }
  port.postMessage(result);
  Atomics.store(flag, 0, 1);
  Atomics.notify(flag, 0);
});
