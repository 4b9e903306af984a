// A key:value store on a real Redis server, as Tarmac's Redis backend (hord's Redis driver) uses
// it, for the test host and `tarmac-as dev` with APP_KVSTORE_TYPE=redis: the same commands (GET,
// SET, DEL, KEYS *), the same checks and the same error texts, through the I/O worker. Unlike
// the in-memory store, `keys` of an empty store is [] and the data is shared by every host (and
// every Tarmac) using the same server.
import { SyncBridge } from "./sync.mjs";

export class RedisStore {
  /**
   * `server` "host:port" (APP_REDIS_SERVER), `password` (APP_REDIS_PASSWORD), `database`
   * (APP_REDIS_DATABASE). Commands run through `bridge` (a SyncBridge of its own by default).
   */
  constructor({ server, password = "", database = 0, bridge = null }) {
    if (!server) throw new Error("must specify either a Redis Server or Sentinel Pool");
    this.server = server;
    this.password = password;
    this.database = database;
    this.bridge = bridge;
  }

  run(command, key, value) {
    this.bridge ??= new SyncBridge();
    return this.bridge.call("redis", { server: this.server, password: this.password, database: this.database, command, key, value });
  }

  get(key) {
    if (key === "") throw new Error("key cannot be nil");
    const r = this.run("GET", key);
    if (r.error) throw new Error(`unable to fetch data from Redis - ${r.error}`);
    if (r.value === null || r.value === undefined) throw new Error("nil value returned from database");
    return Buffer.from(r.value);
  }

  set(key, value) {
    if (key === "") throw new Error("key cannot be nil");
    if (value.length === 0) throw new Error("data cannot be empty");
    const r = this.run("SET", key, value);
    if (r.error) throw new Error(`unable to write data to Redis - ${r.error}`);
  }

  delete(key) {
    if (key === "") throw new Error("key cannot be nil");
    const r = this.run("DEL", key);
    if (r.error) throw new Error(`unable to remove key from Redis - ${r.error}`);
  }

  keys() {
    const r = this.run("KEYS");
    if (r.error) throw new Error(`unable to fetch keys from Redis - ${r.error}`);
    return r.keys;
  }

  /** Stops the I/O worker this store started. */
  close() { this.bridge?.close?.(); this.bridge = null; }
}
