// The I/O worker's side of the key:value stores that live on a server: Redis (alone or found
// through Sentinel, with the official `redis` client) and NATS JetStream key:value (with the
// official `nats` client). Each command returns { value } (a Buffer, or null for a missing key),
// { keys }, {} or { error } with the words Go's client would use where they differ; the stores
// (server-stores.mjs) add hord's words around them. One client per server setting is kept open
// between calls. What happens when it fails is each driver's: a Redis client is dropped and made
// again on the next call (redigo's pool dials again), a NATS one stays closed (nats.go as Tarmac
// sets it up does not reconnect).

const clients = new Map();
const socketErrors = new Map();

/** The client for `id`, made by `open()` on first use (and again after a failed `open()`). */
async function clientFor(id, open) {
  let c = clients.get(id);
  if (!c) { c = open(); clients.set(id, c); }
  try { return await c; } catch (e) { clients.delete(id); throw e; }
}

const refused = (e) => [e, e?.cause, ...(e?.errors ?? [])].some((x) => x?.code === "ECONNREFUSED" || /ECONNREFUSED/.test(x?.message ?? ""));
const hostPort = (s, port) => { const [host, p] = s.split(":"); return { host, port: Number(p || port) }; };

// Redis, as hord's Redis driver (redigo) uses it: GET, SET, DEL, KEYS *. With `sentinels`
// ("host:port" of each Sentinel) and `master` the master is found through Sentinel, as the
// driver's sentinel.MasterAddr does, and found again after a failover.
export async function redisCommand({ server, sentinels = [], master = "", password = "", database = 0, command, key, value }) {
  const id = `redis ${server} ${sentinels.join(",")} ${master} ${database} ${password}`;
  const node = { password: password || undefined, database: Number(database) || 0 };
  let c;
  try {
    c = await clientFor(id, async () => {
      const { createClient, createSentinel, RESP_TYPES } = await import("redis");
      const made = sentinels.length
        ? createSentinel({ name: master, sentinelRootNodes: sentinels.map((s) => hostPort(s, 26379)), nodeClientOptions: { ...node, socket: { connectTimeout: 5000, reconnectStrategy: false } }, sentinelClientOptions: { socket: { connectTimeout: 5000, reconnectStrategy: false } }, maxCommandRediscovers: 8 })
        : createClient({ ...node, socket: { ...hostPort(server, 6379), reconnectStrategy: false, connectTimeout: 5000 } });
      const typed = made.withTypeMapping({ [RESP_TYPES.BLOB_STRING]: Buffer });
      // The socket's own error (a refused connection) is the one Go would report.
      made.on("error", (e) => { socketErrors.set(id, e); });
      await typed.connect();
      return typed;
    });
    if (command === "GET") return { value: await c.get(key) };
    if (command === "SET") { await c.set(key, Buffer.from(value)); return {}; }
    if (command === "DEL") { await c.del(key); return {}; }
    return { keys: (await c.keys("*")).map((k) => k.toString()) };
  } catch (e) {
    clients.delete(id);
    try { await c?.destroy(); } catch { /* already gone */ }
    const cause = socketErrors.get(id) ?? e;
    socketErrors.delete(id);
    if (refused(e) || refused(cause)) return { error: `dial tcp ${sentinels.length ? sentinels[0] : server}: connect: connection refused` };
    return { error: cause.message };
  }
}

// NATS JetStream key:value, as hord's NATS driver (nats.go) uses it: the bucket is made if it is
// missing (one replica, one revision per key), a deleted key reads as missing, `keys` of an empty
// bucket is []. Keys are checked by the store before they get here. Tarmac connects with nats.go's
// zero Options, which do not reconnect: once the server it is connected to is gone, every call
// fails with "nats: connection closed", even after the server is back (measured on main). This
// client does the same.
export async function natsCommand({ servers, bucket, command, key, value }) {
  const id = `nats ${servers.join(",")} ${bucket}`;
  let kv;
  try {
    kv = await clientFor(id, async () => {
      const { connect } = await import("nats");
      const nc = await connect({ servers, timeout: 5000, reconnect: false });
      const store = await nc.jetstream({ timeout: 5000 }).views.kv(bucket, { history: 1, replicas: 1 });
      return Object.assign(store, { nc });
    });
  } catch (e) {
    return { error: natsError(e, servers) };
  }
  if (kv.nc.isClosed()) return { error: "nats: connection closed" };
  try {
    if (command === "GET") {
      const e = await kv.get(key);
      return { value: e && e.operation === "PUT" ? Buffer.from(e.value) : null };
    }
    if (command === "SET") { await kv.put(key, value); return {}; }
    if (command === "DEL") { await kv.delete(key); return {}; }
    const keys = [];
    for await (const k of await kv.keys()) keys.push(k);
    return { keys };
  } catch (e) {
    return { error: kv.nc.isClosed() ? "nats: connection closed" : natsError(e, servers) };
  }
}

// nats.go's words for what the JavaScript client reports by code.
function natsError(e, servers) {
  const code = e?.code ?? "";
  if (code === "MAX_PAYLOAD_EXCEEDED") return "nats: maximum payload exceeded";
  if (code === "CONNECTION_REFUSED" || refused(e)) return "nats: no servers available for connection";
  if (code === "TIMEOUT" || code === "CONNECTION_TIMEOUT") return "nats: timeout";
  if (code === "503") return "nats: no responders available for request";
  if (code === "CONNECTION_CLOSED" || code === "CONNECTION_DRAINING") return "nats: connection closed";
  return `nats: ${e?.message ?? e} (${servers.join(",")})`;
}
