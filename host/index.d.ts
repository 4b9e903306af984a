// Types for tarmac-as/host: a Tarmac-like host for testing compiled functions in Node.

/** An HTTP request a function made, as a route sees it. */
export interface HttpRouteRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  body: Buffer;
}

/** What a route answers; `body` may be a string or bytes. */
export interface HttpRouteResponse {
  status?: number;
  headers?: Record<string, string>;
  body?: string | Uint8Array;
}

export type HttpRoute = HttpRouteResponse | ((request: HttpRouteRequest) => HttpRouteResponse | undefined | null);

export interface TestHostOptions {
  /** Which Tarmac to behave as (default "v0.10.0"). */
  profile?: "v0.10.0" | "main";
  /** Initial key:value entries; `false` switches the store off. */
  kv?: Record<string, string | Uint8Array> | false;
  /** A store to use instead of one in memory: a RedisStore, NatsStore, BoltStore, CassandraStore or MemoryStore (below). */
  store?: KeyValueStore;
  /** Upstreams answered in JavaScript: a function, or routes keyed "METHOD url" or "url". */
  http?: ((request: HttpRouteRequest) => HttpRouteResponse | undefined | null) | Record<string, HttpRoute>;
  /** Make real requests for what no route answers (default true); false fails them as unreachable. */
  realHttp?: boolean;
  /** A real database, or canned rows (an Error fails the query with its message). */
  sql?:
    | { driver: "postgres" | "mysql"; config: Record<string, unknown> }
    | {
        driver?: "postgres" | "mysql";
        rows: (query: string) => Record<string, unknown>[] | Error;
        /** sql.exec's answer on the main profile; lastInsertId null (the default for postgres) answers as lib/pq does, a 206. */
        exec?: (query: string) => { rowsAffected?: number; lastInsertId?: number | null } | Error;
      };
  /** Called with each log line as the function logs it. */
  log?: (line: { level: string; message: string }) => void;
  /** The clocks the function reads through WASI (`now()`, response retention); default the machine's. */
  clock?: ManualClock;
}

/** What a TestHost keeps its key:value data in (`new TestHost({ store })`): one of the stores below. */
export interface KeyValueStore {
  get(key: string): Buffer;
  set(key: string, value: Uint8Array): void;
  delete(key: string): void;
  keys(): string[] | null;
}

/** Tarmac's in-memory backend (the default): any key and value, `keys` of an empty store is null. */
export declare class MemoryStore implements KeyValueStore {
  constructor();
  get(key: string): Buffer; set(key: string, value: Uint8Array): void; delete(key: string): void; keys(): string[] | null;
}

/** A model of Tarmac's BoltDB backend: keys up to 32,768 bytes ("key too large"), keys in byte order, `keys` of an empty store is null. */
export declare class BoltStore extends MemoryStore {}

/** A model of Tarmac's Cassandra backend: keys up to 65,535 bytes, a value up to about 16 MiB, keys in token (Murmur3) order, `keys` of an empty store is null. */
export declare class CassandraStore extends MemoryStore {}

/** A key:value store on a real Redis server, alone or found through Sentinel (needs the `redis` package), answering as Tarmac's Redis backend does: `keys` of an empty store is []. */
export declare class RedisStore implements KeyValueStore {
  constructor(options: { server?: string; sentinels?: string[]; master?: string; password?: string; database?: number });
  get(key: string): Buffer; set(key: string, value: Uint8Array): void; delete(key: string): void; keys(): string[];
  /** Stops the worker thread that talks to Redis. */
  close(): void;
}

/** A key:value store on a real NATS JetStream bucket, one server or a cluster (needs the `nats` package), answering as Tarmac's NATS backend (`main`) does: keys only of `-/_=.a-zA-Z0-9` ("nats: invalid key"), a value up to the server's max payload (1 MiB by default), `keys` of an empty store is []. */
export declare class NatsStore implements KeyValueStore {
  constructor(options: { servers: string[]; bucket?: string });
  get(key: string): Buffer; set(key: string, value: Uint8Array): void; delete(key: string): void; keys(): string[];
  /** Stops the worker thread that talks to NATS. */
  close(): void;
}

/** Clocks a test moves by hand: realtime from `realtime`, monotonic from `uptime` (nanoseconds), both moved by `advance`. */

export declare class ManualClock {
  constructor(options?: { realtime?: bigint; uptime?: bigint });
  /** Moves every clock on by `ms` milliseconds. */
  advance(ms: number): this;
  /** Nanoseconds on WASI clock `id` (0 realtime, 1 monotonic, 2 and 3 CPU time), or null for another id. */
  time(id: number): bigint | null;
}

/** A host call as a hook sees it (before it is answered). */
export interface HostCall {
  binding: string;
  /** Tarmac's capability. */
  namespace: string;
  operation: string;
  /** The payload as sent. */
  payload: Buffer;
}

/** One host call a function made, recorded by the host with its answer. */
export interface HostCallRecord extends HostCall {
  /** Tarmac's capability (the namespace): "kvstore", "httpclient", "sql", "metrics", "logger", "function". */
  readonly capability: string;
  /** The payload parsed as JSON, or its bytes when it is not JSON. */
  readonly request: unknown;
  ok: boolean;
  /** The reply parsed as JSON (or its bytes); null when the call failed without one. */
  readonly reply: unknown;
  /** The reply's bytes; null when the call failed without one. */
  body: Buffer | null;
  /** The host's error text, when the call failed. */
  error?: string;
}

/** How a host call is answered: `ok` false fails it with `error`; `body` stays readable either way. */
export interface HostAnswer {
  ok: boolean;
  body?: Uint8Array | string | null;
  error?: string;
}

/** Sees a host call before Tarmac's router: answers it, or passes it on with `next(call)`. */
export type HostHook = (call: HostCall, next: (call: HostCall) => HostAnswer) => HostAnswer;

/** A failure injected with `host.fail`. */
export type Failure =
  | { status?: number; message?: string; times?: number }
  | { unavailable: true; times?: number }
  | { reply: string | Uint8Array; times?: number }
  | { error: string; times?: number };

/** What one call of a function gave. */
export interface CallResult {
  ok: boolean;
  /** The HTTP status Tarmac would send: 200, or 500 for a failed handler. */
  status: number;
  /** The HTTP body Tarmac would send: the response, or the profile's error body. */
  body: Buffer;
  text: string;
  /** The handler's error text, when it failed. */
  error: string | null;
  trapped: boolean;
  /** The host calls this call made. */
  calls: HostCallRecord[];
}

export declare class KeyValue {
  get(key: string): Buffer | undefined;
  getString(key: string): string | undefined;
  set(key: string, value: string | Uint8Array): this;
  has(key: string): boolean;
  delete(key: string): boolean;
  keys(): string[];
  entries(): [string, Buffer][];
  toObject(): Record<string, string>;
  clear(): void;
  readonly size: number;
}

export declare class LoadedFunction {
  /** Runs the handler with `body`, reading the response as Tarmac does (after the instance is back in its pool). */
  call(body?: string | Uint8Array): CallResult;
  /** The linear memory of each pooled instance, in bytes. */
  memory(): number[];
}

export declare class TestHost {
  constructor(options?: TestHostOptions);
  readonly profile: string;
  readonly kv: KeyValue;
  /** Every host call, in order. */
  readonly calls: HostCallRecord[];
  /** Every line logged through Tarmac's logger. */
  readonly logs: { level: string; message: string }[];
  /** Metrics by name: { type, value } or, for histograms, { type, observations }. */
  readonly metrics: { get(name: string): { type: string; value?: number; observations?: number[] } | undefined };
  /** The metrics as Tarmac's /metrics page shows them. */
  metricsText(): string;
  /** Loads a module into a pool; with `name`, other functions reach it through callFunction. */
  load(wasm: string | Uint8Array | WebAssembly.Module, options?: { pool?: number; name?: string }): Promise<LoadedFunction>;
  route(name: string, fn: LoadedFunction): this;
  /** Makes calls to `capability` with `operation` (or "*") fail or misbehave until clearFailures(). */
  fail(capability: string, operation: string, failure: Failure): this;
  /** Switches a capability off (`callback not found`). */
  disable(capability: string): this;
  clearFailures(): this;
  /** Adds a hook that sees every host call after the injected failures; returns a function that removes it. */
  addHook(hook: HostHook): () => void;
  /** Stops the worker used for real HTTP and SQL. */
  close(): Promise<void>;
}
