// Key:value stores on a real server, as Tarmac's backends (hord's drivers) use them, for the test
// host and `tarmac-as dev`: Redis (APP_KVSTORE_TYPE=redis, alone or through Sentinel) and NATS
// JetStream key:value (APP_KVSTORE_TYPE=nats, Tarmac's `main`). Each runs the driver's commands
// through the I/O worker (store-clients.mjs), with the driver's checks and error texts. Unlike the
// in-memory store, `keys` of an empty store is [], and the data is shared by every host (and every
// Tarmac) using the same server.
import { SyncBridge } from "./sync.mjs";

/** hord's own checks (hord.ValidKey, hord.ValidData), the same in every driver. */
const NIL_KEY = "key cannot be nil";
const EMPTY_DATA = "data cannot be empty";
const MISSING = "nil value returned from database";

/** What the Redis and NATS stores share: a worker that runs commands, and hord's checks. */
class ServerStore {
  /** `words` wraps the client's error for each command, as the driver does. */
  constructor(kind, settings, words, bridge) {
    this.kind = kind;
    this.settings = settings;
    this.words = words;
    this.bridge = bridge;
  }

  run(command, key, value) {
    this.bridge ??= new SyncBridge();
    const r = this.bridge.call(this.kind, { ...this.settings, command, key, value });
    if (r.error) throw new Error(this.words[command](r.error));
    return r;
  }

  /** The client's own check of a key, after hord's and before the server sees it (none here). */
  refuseKey(key, command) {}

  get(key) {
    if (key === "") throw new Error(NIL_KEY);
    this.refuseKey(key, "GET");
    const r = this.run("GET", key);
    if (r.value === null || r.value === undefined) throw new Error(MISSING);
    return Buffer.from(r.value);
  }

  set(key, value) {
    if (key === "") throw new Error(NIL_KEY);
    if (value.length === 0) throw new Error(EMPTY_DATA);
    this.refuseKey(key, "SET");
    this.run("SET", key, value);
  }

  delete(key) {
    if (key === "") throw new Error(NIL_KEY);
    this.refuseKey(key, "DEL");
    this.run("DEL", key);
  }

  keys() { return this.run("KEYS").keys; }

  /** Stops the I/O worker this store started. */
  close() { this.bridge?.close?.(); this.bridge = null; }
}

export class RedisStore extends ServerStore {
  /**
   * `server` "host:port" (APP_REDIS_SERVER), or `sentinels` ["host:port", ...]
   * (APP_REDIS_SENTINEL_SERVERS) with `master` (APP_REDIS_SENTINEL_MASTER); `password`
   * (APP_REDIS_PASSWORD), `database` (APP_REDIS_DATABASE). Commands run through `bridge` (a
   * SyncBridge of its own by default).
   */
  constructor({ server = "", sentinels = [], master = "", password = "", database = 0, bridge = null }) {
    if (!server && sentinels.length === 0) throw new Error("must specify either a Redis Server or Sentinel Pool");
    if (sentinels.length && !master) throw new Error("if using Sentinel the Redis Master must be defined");
    super("redis", { server, sentinels, master, password, database }, {
      GET: (e) => `unable to fetch data from Redis - ${e}`,
      SET: (e) => `unable to write data to Redis - ${e}`,
      DEL: (e) => `unable to remove key from Redis - ${e}`,
      KEYS: (e) => `unable to fetch keys from Redis - ${e}`,
    }, bridge);
    Object.assign(this, { server, sentinels, master });
  }
}

// nats.go's key rule (the same as the JavaScript client's): letters, digits and -/_=. only, and
// no leading or trailing dot.
const NATS_KEY = /^[-/_=.a-zA-Z0-9]+$/;
/** Whether NATS key:value can hold `key` (else "nats: invalid key"). */
export const isNatsKey = (key) => NATS_KEY.test(key) && !key.startsWith(".") && !key.endsWith(".");

export class NatsStore extends ServerStore {
  /**
   * `servers` ["nats://host:port", ...] (APP_NATS_URL, then APP_NATS_SERVERS), `bucket`
   * (APP_NATS_BUCKET, "tarmac" by default). The bucket is made if it is missing, with one
   * replica, as hord's driver makes it.
   */
  constructor({ servers, bucket = "tarmac", bridge = null }) {
    if (!servers?.length) throw new Error("URL and Servers cannot be empty");
    if (!/^[a-zA-Z0-9_-]+$/.test(bucket)) throw new Error("bucket name is invalid");
    super("nats", { servers, bucket }, {
      GET: (e) => `unable to fetch key: ${e}`,
      SET: (e) => `unable to set key: ${e}`,
      DEL: (e) => `unable to remove key: ${e}`,
      KEYS: (e) => `unable to fetch keys: ${e}`,
    }, bridge);
    Object.assign(this, { servers, bucket });
  }

  /** A key NATS cannot hold fails in the client, before the server sees it. */
  refuseKey(key, command) {
    if (!isNatsKey(key)) throw new Error(this.words[command]("nats: invalid key"));
  }
}
