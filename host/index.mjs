// tarmac-as/host: run a compiled function the way Tarmac does, in Node, for tests and tools.
//
// A `TestHost` loads modules into pools of instances (wapc-go on wazero's behaviour: the response
// read after the instance is back in its pool, traps and aborts, WASI) and answers their host
// calls as Tarmac v0.10.0 or `main` does (protobuf tried first, Tarmac's JSON, status codes and
// messages). Each capability is set up per host: key:value in memory (seeded, inspectable), HTTP
// (real requests, or routes answered by a JavaScript function), SQL (a real PostgreSQL or MySQL,
// or canned rows), metrics, other functions of the service, and the log. Every host call is
// recorded, and failures can be injected per capability and operation.
import "./quiet.mjs";
// Loaded after quiet.mjs has run (static imports of node:wasi would warn before it could).
const { TarmacHost, ManualClock } = await import("../host/engine/tarmac-host.mjs");
const { MemoryStore } = await import("../host/engine/kvstore.mjs");
const { rowsJSON } = await import("../host/engine/sql-rows.mjs");
const { HOST_ANSWERS } = await import("../spec/capabilities.mjs");

export { ManualClock };
/**
 * Key:value stores as each of Tarmac's backends answers: `new TestHost({ store: new RedisStore({
 * server: "127.0.0.1:6379" }) })`. Redis and NATS run on a real server; BoltDB and Cassandra are
 * models of hord's drivers (their limits, key order and texts); MemoryStore is the default.
 */
export { RedisStore, NatsStore } from "./engine/server-stores.mjs";
export { BoltStore, CassandraStore } from "./engine/model-stores.mjs";
export { MemoryStore };

const toBuffer = (v) => (v == null ? Buffer.alloc(0) : Buffer.isBuffer(v) ? v : typeof v === "string" ? Buffer.from(v) : Buffer.from(v));

/** The key:value store of a host: a Map of key to Buffer, with string helpers. */
export class KeyValue {
  constructor(store) { this.store = store; }
  /** The value of `key` as a Buffer, or undefined. */
  get(key) { return this.store.map.get(key); }
  /** The value of `key` as UTF-8 text, or undefined. */
  getString(key) { const v = this.store.map.get(key); return v === undefined ? undefined : v.toString("utf8"); }
  /** Sets `key` to `value` (a string, Buffer or Uint8Array). */
  set(key, value) { this.store.map.set(key, Buffer.from(toBuffer(value))); return this; }
  has(key) { return this.store.map.has(key); }
  delete(key) { return this.store.map.delete(key); }
  keys() { return [...this.store.map.keys()]; }
  /** Every entry as [key, Buffer]. */
  entries() { return [...this.store.map.entries()]; }
  /** Every entry as { key: text }. */
  toObject() { return Object.fromEntries([...this.store.map].map(([k, v]) => [k, v.toString("utf8")])); }
  clear() { this.store.map.clear(); }
  get size() { return this.store.map.size; }
}

/**
 * A Tarmac-like host for tests and tools.
 *
 * ```js
 * const host = new TestHost({ kv: { greeting: "hi" } });
 * const fn = await host.load("build/function.wasm");
 * const r = fn.call("world");           // { ok, status, body, text, error }
 * host.kv.getString("greeting");        // what the function stored
 * host.calls;                           // every host call, decoded
 * ```
 */
export class TestHost {
  /**
   * @param {object} [options]
   * @param {"v0.10.0"|"main"} [options.profile] which Tarmac to behave as (default "v0.10.0")
   * @param {object|false} [options.kv] initial key:value entries ({ key: string | Uint8Array }); false switches the store off
   * @param {object} [options.store] a store object (get/set/delete/keys and `map`) to use instead of one in memory
   * @param {Function|object} [options.http] routes answered in JavaScript: ({ method, url, headers, body }) => ({ status, headers, body }) | undefined, or { "GET https://x/y": response | fn }; anything unanswered is a real request (or, with options.realHttp false, a connection error)
   * @param {boolean} [options.realHttp] make real requests for what no route answers (default true)
   * @param {object} [options.sql] { driver: "postgres"|"mysql", config } for a real database, or { driver?, rows: (query) => rows | Error } for canned rows (and `exec: (query) => ({ rowsAffected, lastInsertId })` for sql.exec on the main profile)
   * @param {Function} [options.log] called with { level, message } as the function logs (also kept in `host.logs`)
   * @param {ManualClock} [options.clock] the clocks the function reads (`now()`, response retention), moved by the test with `clock.advance(ms)`; default the machine's
   */
  constructor({ profile = "v0.10.0", kv = {}, store = null, http = null, realHttp = true, sql = null, log = null, clock = null } = {}) {
    const kvStore = store ?? new MemoryStore();
    this.routes = http;
    this.realHttp = realHttp;
    this.canned = sql && sql.rows ? sql : null;
    const sqlConfig = sql ? (sql.rows ? { driver: sql.driver ?? "postgres", config: null } : sql) : null;
    this.engine = new TarmacHost({ profile, kvstore: kv !== false, store: kvStore, sql: sqlConfig, log, clock, io: (kind, args, real) => this.io(kind, args, real) });
    /** The key:value store (`host.kv.get(key)`, `host.kv.set(key, value)`, ...). */
    this.kv = new KeyValue(kvStore);
    for (const [k, v] of Object.entries(kv || {})) this.kv.set(k, v);
    /** Every host call, as the engine records it: { capability, operation, request, payload, ok, reply, error }. */
    this.calls = this.engine.calls;
    this.failures = new Map();
    this.functions = new Map();
    // Injected failures answer first, in the engine's hook chain.
    this.engine.addHook((call, next) => this.injected(call) ?? next(call));
  }

  /** Which Tarmac this host behaves as. */
  get profile() { return this.engine.profile.name; }
  /** Every message logged through Tarmac's logger: [{ level, message }]. */
  get logs() { return this.engine.logs; }
  /** The metrics recorded: `host.metrics.get(name)` gives { type, value } or { type, observations }. */
  get metrics() { return this.engine.metrics; }
  /** The metrics as Tarmac's /metrics page shows them. */
  metricsText() { return this.engine.metrics.exposition(); }

  /**
   * Loads a module (a path, bytes or a WebAssembly.Module) into a pool of `pool` instances and
   * returns it as a callable function. With `name`, other functions reach it through a
   * `function` route (`callFunction(name, ...)`).
   */
  async load(wasm, { pool = 1, name = null } = {}) {
    const p = await this.engine.pool(wasm, pool);
    const fn = new LoadedFunction(this, p);
    if (name) this.route(name, fn);
    return fn;
  }

  /** Routes `callFunction(name, ...)` to a loaded function (Tarmac's `function` route). */
  route(name, fn) {
    this.functions.set(name, fn);
    this.engine.functions.set(name, { call: (payload) => { const r = fn.invokeRaw(toBuffer(payload)); return r.ok ? { ...r, body: r.read() } : r; } });
    return this;
  }

  /**
   * Makes calls to `capability` (e.g. "kvstore", "httpclient", "sql", "metrics", "logger",
   * "function") with `operation` (or "*" for all) fail or misbehave until `clearFailures()`:
   * - { status, message }: Tarmac's failure reply with that status code and message
   * - { unavailable: true }: the capability is off (`callback not found`)
   * - { reply }: a success whose reply is these bytes (a malformed reply, for instance)
   * - { error }: the host call fails with this error text and no reply
   * `times` limits how many calls it affects.
   */
  fail(capability, operation, failure) {
    this.failures.set(`${capability}:${operation}`, { ...failure, left: failure.times ?? Infinity });
    return this;
  }

  /** Switches a capability off, as when Tarmac runs without it (`callback not found`). */
  disable(capability) {
    return this.fail(capability, "*", { unavailable: true });
  }

  /** Removes every injected failure. */
  clearFailures() {
    this.failures.clear();
    return this;
  }

  /** Stops the I/O worker used for real HTTP and SQL, if one was started. */
  async close() {
    await this.engine.close();
  }

  /**
   * Adds a hook that sees every host call after the injected failures and before Tarmac's
   * router: `hook(call, next)` returns an answer { ok, body, error }, its own or `next(call)`'s.
   * Returns a function that removes it.
   */
  addHook(hook) {
    return this.engine.addHook(hook);
  }

  /** The answer of an injected failure for `call`, or undefined. */
  injected({ namespace, operation }) {
    const failure = this.failures.get(`${namespace}:${operation}`) ?? this.failures.get(`${namespace}:*`);
    if (!failure || failure.left <= 0) return undefined;
    failure.left--;
    if (failure.unavailable) return { ok: false, body: null, error: HOST_ANSWERS.callbackNotFound };
    if (failure.error !== undefined) return { ok: false, body: null, error: String(failure.error) };
    if (failure.reply !== undefined) return { ok: true, body: toBuffer(failure.reply) };
    const status = { code: failure.status ?? 500, status: failure.message ?? "failure injected by the test" };
    return { ok: false, body: Buffer.from(JSON.stringify({ status })), error: status.status };
  }

  // HTTP routes and canned SQL; everything else goes to the real I/O worker.
  io(kind, args, real) {
    if (kind === "http" && this.routes) {
      const req = { method: args.method, url: args.url, headers: args.headers ?? {}, body: Buffer.from(args.body ?? []) };
      let answer;
      if (typeof this.routes === "function") answer = this.routes(req);
      else {
        const route = this.routes[`${req.method} ${req.url}`] ?? this.routes[req.url];
        answer = typeof route === "function" ? route(req) : route;
      }
      if (answer !== undefined && answer !== null) {
        // A header's value may be a list: every value reaches a protobuf reply on main, the first elsewhere.
        const all = Object.fromEntries(Object.entries(answer.headers ?? {}).map(([k, v]) => [k.toLowerCase(), (Array.isArray(v) ? v : [v]).map(String)]));
        const headers = Object.fromEntries(Object.entries(all).map(([k, v]) => [k, v[0] ?? ""]));
        return { code: answer.status ?? 200, headers, all, body: toBuffer(answer.body) };
      }
    }
    if (kind === "http" && !this.realHttp) {
      return { error: `${args.method[0]}${args.method.slice(1).toLowerCase()} ${JSON.stringify(args.url)}: dial tcp: no route for this URL in the test host`, stage: "do" };
    }
    if (kind === "sql" && this.canned) {
      let rows;
      try { rows = this.canned.rows(args.query); } catch (e) { rows = e; }
      if (rows instanceof Error) return { error: rows.message };
      // As Tarmac's driver hands them to encoding/json, as real rows are (engine/sql-rows.mjs).
      const columns = (rows ?? []).map((row) => Object.entries(row).map(([name, value]) => ({ name, value })));
      // The result's columns: the first row's names in the order written.
      return { json: rowsJSON(this.canned.driver ?? "postgres", columns), columns: Object.keys(rows?.[0] ?? {}) };
    }
    if (kind === "exec" && this.canned) {
      // { rowsAffected, lastInsertId } from options.sql.exec(query); lastInsertId null as lib/pq has none.
      let r;
      try { r = this.canned.exec ? this.canned.exec(args.query) : new Error("no exec answer configured for canned SQL (options.sql.exec)"); } catch (e) { r = e; }
      if (r instanceof Error) return { error: r.message };
      return { rowsAffected: r.rowsAffected ?? 0, lastInsertId: r.lastInsertId === undefined ? ((this.canned.driver ?? "postgres") === "postgres" ? null : 0) : r.lastInsertId };
    }
    return real(kind, args);
  }
}

/** A module loaded into a host's pool: call it as Tarmac's HTTP server or a scheduler would. */
export class LoadedFunction {
  constructor(host, pool) {
    this.host = host;
    this.pool = pool;
  }

  /**
   * Runs the handler with `body` (a string, Buffer or Uint8Array) and reads the response once
   * the instance is back in the pool, as Tarmac does. Returns { ok, status, body, text, error,
   * trapped, calls }: `status` and `body` are what Tarmac's HTTP server would send (200 and the
   * response, or 500 and the profile's error body); `error` is the handler's error text.
   */
  call(body = "") {
    const first = this.host.calls.length;
    const r = this.invokeRaw(toBuffer(body));
    const response = r.ok ? r.read() : null;
    const answer = this.host.engine.httpAnswer(r.ok ? { ok: true, body: response } : r);
    return {
      ok: r.ok,
      status: answer.status,
      body: Buffer.from(answer.body),
      text: Buffer.from(answer.body).toString("utf8"),
      error: r.ok ? null : r.error,
      trapped: Boolean(r.trapped),
      calls: this.host.calls.slice(first),
    };
  }

  invokeRaw(payload) {
    return this.pool.invoke(payload);
  }

  /** The linear memory of each pooled instance, in bytes. */
  memory() {
    return this.pool.instances.map((g) => g.memorySize());
  }
}

