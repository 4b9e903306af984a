// Tarmac's capabilities as tarmac-as knows them: the one registry the SDK's generator
// (scripts/messages.mjs), the test host (host/engine/) and the tests read. A capability that is
// not here cannot be built into the SDK, answered by the test host or pass the protobuf guard
// test; adding one starts here (docs/design.md, "Adding a capability").
//
// For each waPC namespace Tarmac routes (`tarmac:<namespace>:<operation>`):
// - `sdk`, `host`: the SDK file and the test host file that implement it;
// - `operations`: each operation's JSON request and reply fields (Go encoding/json names; the
//   reply as Go's struct order writes it) and its protobuf request message (field number ->
//   kind, from tarmac-project/protobuf-definitions), `null` where the request is raw bytes;
//   `numbers` each named field's protobuf number, for the request and the reply (what the
//   capability files name their fields with: layout.test.mjs checks them against this);
//   `notFoundOn404` marks the operations whose 404 can mean "no such key" (see HOST_TEXTS);
//   `emptyRequest` the ones asked for with an empty payload (which every Tarmac answers in JSON);
//   `protobufOnly` the ones only the protobuf wire has (no JSON request: the SDK sends them in
//   protobuf on every wire setting), with `since`, the first Tarmac that routes them.

/** Kinds of the SDK's ErrorKind, by name (assembly/errors.ts). */
export const ERROR_KINDS = ["NotFound", "InvalidInput", "HostFailure", "Unavailable", "InvalidResponse", "InvalidData", "Handler", "Conflict"];

const STATUS = { code: "int", status: "string" };

export const CAPABILITIES = {
  kvstore: {
    sdk: "assembly/kv.ts",
    host: "host/engine/kvstore.mjs",
    operations: {
      get: { request: { key: "string" }, reply: { status: STATUS, data: "base64" }, proto: { 1: "string" }, numbers: { request: { key: 1 }, reply: { data: 2 } }, notFoundOn404: true },
      set: { request: { key: "string", data: "base64" }, reply: { status: STATUS }, proto: { 1: "string", 2: "bytes" }, numbers: { request: { key: 1, data: 2 }, reply: {} } },
      delete: { request: { key: "string" }, reply: { status: STATUS }, proto: { 1: "string" }, numbers: { request: { key: 1 }, reply: {} } },
      // KVStoreKeys { return_proto = 1 }: an empty payload is asked in JSON, any other in protobuf.
      keys: { request: null, reply: { keys: "string[]|null", status: STATUS }, proto: { 1: "bool" }, numbers: { request: { return_proto: 1 }, reply: { keys: 2 } }, emptyRequest: true },
    },
  },
  httpclient: {
    sdk: "assembly/http.ts",
    host: "host/engine/httpclient.mjs",
    operations: {
      // headers, over protobuf: map<string,string> on v0.10.0 (one value per name: the request's
      // Header.Set, the response's Header.Get), map<string, Header{repeated values = 1}> on main
      // (every value, both ways). `headerEncodings` names them by profile.
      call: {
        request: { method: "string", headers: "map<string,string>", url: "string", body: "base64", insecure: "bool" },
        reply: { status: STATUS, code: "int", headers: "map<string,string>|null", body: "base64" },
        proto: { 1: "string", 2: "map", 3: "string", 4: "bytes", 5: "bool" },
        numbers: { request: { method: 1, headers: 2, url: 3, body: 4, insecure: 5 }, reply: { code: 2, headers: 3, body: 4 } },
        headerEncodings: { "v0.10.0": "map<string,string>", main: "map<string,Header>" },
      },
    },
  },
  sql: {
    sdk: "assembly/sql.ts",
    host: "host/engine/sql.mjs",
    operations: {
      // SQLQueryResponse: status=1, columns=4 (protobuf only: the database's order), data=5.
      query: { request: { query: "base64" }, reply: { status: STATUS, data: "base64" }, proto: { 1: "bytes" }, numbers: { request: { query: 1 }, reply: { columns: 4, data: 5 } } },
      // SQLExec { query = 1 } -> SQLExecResponse { status = 1, last_insert_id = 2, rows_affected = 3 }:
      // `main` only, and only over protobuf. A status of 206 is a success whose driver could not
      // say the rows affected or the last insert id (lib/pq never gives an id).
      exec: { request: null, reply: null, proto: { 1: "bytes" }, numbers: { request: { query: 1 }, reply: { last_insert_id: 2, rows_affected: 3 } }, protobufOnly: true, since: "main" },
    },
  },
  metrics: {
    sdk: "assembly/metrics.ts",
    host: "host/engine/metrics.mjs",
    // Tarmac's metrics callbacks answer errors as text alone (no body).
    textOnly: true,
    operations: {
      counter: { request: { name: "string" }, reply: null, proto: { 1: "string" }, numbers: { request: { name: 1 }, reply: {} } },
      gauge: { request: { name: "string", action: "string" }, reply: null, proto: { 1: "string", 2: "string" }, numbers: { request: { name: 1, action: 2 }, reply: {} } },
      histogram: { request: { name: "string", value: "number" }, reply: null, proto: { 1: "string", 2: "double" }, numbers: { request: { name: 1, value: 2 }, reply: {} } },
    },
  },
  logger: {
    sdk: "assembly/logger.ts",
    host: "host/engine/logger.mjs",
    // The payload is the message itself; the logger never fails.
    operations: Object.fromEntries(["info", "warn", "error", "debug", "trace"].map((level) => [level, { request: null, reply: null, proto: null }])),
  },
  function: {
    sdk: "assembly/function.ts",
    host: "host/engine/tarmac-host.mjs",
    // The operation is the name of the function called; request and reply are raw bytes.
    operations: { "*": { request: null, reply: null, proto: null } },
  },
};

/**
 * The host texts the SDK recognises, and the error kind each gives: the one table from Tarmac's
 * answers to typed errors (the SDK's assembly/answers.ts follows it row by row, and
 * tests/answers.test.mjs drives every row through a compiled function). First match wins.
 * - `capability`: where the row applies ("*": every capability); `operations`: only these;
 * - `match`: "exact" (the host's error text is `text`) or "suffix" (the status message ends
 *   with it: Tarmac puts its own words before the store's);
 * - `status`: the status code the row needs (the text then comes from the reply's status), or
 *   `statuses`, any of these; without either, the row reads the host call's error text;
 * - `store`: the key:value backend whose driver words the text (the README's Limits).
 * Answers no row names: a status of 400 is InvalidInput (Tarmac refused the input), any other
 * status from 400 up, or a failure without a body, is HostFailure.
 */
export const HOST_TEXTS = [
  // No `function` route for that name.
  { name: "CALLBACK_NOT_FOUND", text: "callback not found", match: "exact", capability: "function", kind: "NotFound" },
  // Tarmac's router has no such triple: the capability is switched off in this Tarmac.
  { name: "CALLBACK_NOT_FOUND", text: "callback not found", match: "exact", capability: "*", kind: "Unavailable" },
  // hord's ErrNil, which every key:value driver returns for a missing key. Tarmac answers a get
  // with 404 for any failure of its store (a Redis it cannot reach too): only this text is NotFound.
  { name: "HORD_NIL", text: "nil value returned from database", match: "suffix", capability: "kvstore", operations: ["get"], status: 404, kind: "NotFound" },
  // A key or value the store cannot hold, in its driver's words: the store refused the input
  // (InvalidInput), it did not fail. Tarmac answers 404 for a failed get or delete and 500 for a
  // failed set; the SDK reads these on every key:value operation that carries a key.
  { name: "NATS_INVALID_KEY", text: "nats: invalid key", match: "suffix", capability: "kvstore", operations: ["get", "set", "delete"], statuses: [404, 500], kind: "InvalidInput", store: "NATS" },
  { name: "NATS_MAX_PAYLOAD", text: "nats: maximum payload exceeded", match: "suffix", capability: "kvstore", operations: ["get", "set", "delete"], statuses: [404, 500], kind: "InvalidInput", store: "NATS" },
  // bbolt's ErrKeyTooLarge ("key too large") and ErrValueTooLarge ("value too large").
  { name: "BOLT_TOO_LARGE", text: "too large", match: "suffix", capability: "kvstore", operations: ["get", "set", "delete"], statuses: [404, 500], kind: "InvalidInput", store: "BoltDB" },
  // Cassandra's InvalidRequest for a partition key over 65,535 bytes ("Key length of N is ...").
  { name: "CASSANDRA_KEY_LENGTH", text: "is longer than maximum of 65535", match: "suffix", capability: "kvstore", operations: ["get", "set", "delete"], statuses: [404, 500], kind: "InvalidInput", store: "Cassandra" },
  // Metrics answer with text alone.
  { name: "METRIC_NAME_IN_USE", text: "metric name in use", match: "exact", capability: "metrics", kind: "Conflict" },
  { name: "INVALID_METRIC_NAME", text: "invalid metric name", match: "exact", capability: "metrics", kind: "InvalidInput" },
  { name: "INVALID_ACTION", text: "invalid action", match: "exact", capability: "metrics", kind: "InvalidInput" },
];

/**
 * What sql exec's status 206 says (main): a success whose driver could not give one of the
 * counts; the status text starts with one of these (the SDK then says which it lacks).
 */
export const PARTIAL_TEXTS = [
  { name: "NO_ROWS_AFFECTED", text: "Unable to get rows affected" },
  { name: "NO_LAST_INSERT_ID", text: "Unable to get last insert ID" },
];

/** The rows that say a key:value store could not hold a key or value (InvalidInput on a status). */
export const STORE_REJECTIONS = HOST_TEXTS.filter((row) => row.store);

/** Whether `text` (a key:value status message) ends in a store's refusal of the key or value. */
export const isStoreRejection = (text) => STORE_REJECTIONS.some((row) => text.endsWith(row.text));

/** The text of a HOST_TEXTS row by its name: `hostText("HORD_NIL")`. */
export const hostText = (name) => HOST_TEXTS.find((row) => row.name === name).text;

/**
 * Limits the SDK holds to, shared by the SDK (generated into assembly/limits.ts by
 * scripts/messages.mjs) and the tests: [AssemblyScript type, value, what it limits].
 */
export const LIMITS = {
  MAX_KEY_LENGTH: ["i32", 1 << 20, "The longest key the SDK sends, in UTF-16 units (its request then stays well inside one buffer)."],
  MAX_PORTABLE_KEY_BYTES: ["usize", 3000, "The longest key `kv.portable()` stores, once encoded: NATS's control line (4,096 bytes with the subject and reply inbox) less room for a bucket name."],
  MAX_VALUE_BYTES: ["usize", 64 * 2 ** 20, "The largest value or body the SDK sends: 64 MiB (as base64 in JSON, about 86 MiB)."],
  MAX_REPLY_BYTES: ["usize", 2 ** 30 - 64, "The largest host reply or error text the SDK reads (the runtime's largest block, less headroom)."],
  MAX_REQUEST_BYTES: ["usize", 2 ** 30 - 64, "The largest request (or operation name) a handler accepts; a larger one is refused, not allocated."],
  MAX_JSON_DEPTH: ["i32", 128, "How deep JSON may nest, in a reply's skipped values and in parseJson."],
};

/** Every operation of the registry: { namespace, operation, ...spec }. */
export function operations() {
  return Object.entries(CAPABILITIES).flatMap(([namespace, cap]) =>
    Object.entries(cap.operations).map(([operation, spec]) => ({ namespace, operation, ...spec })));
}

/** The protobuf request messages Tarmac decodes, by "namespace:operation" (field number -> kind). */
export const PROTO_MESSAGES = Object.fromEntries(operations().filter((op) => op.proto).map((op) => [`${op.namespace}:${op.operation}`, op.proto]));

// Each capability's own rows as { text: kind } (`CAPABILITIES.metrics.texts`), and the two texts
// every part needs by name, for the test host to answer with.
for (const row of HOST_TEXTS) if (row.capability !== "*") (CAPABILITIES[row.capability].texts ??= {})[row.text] = row.kind;
export const HOST_ANSWERS = { callbackNotFound: hostText("CALLBACK_NOT_FOUND"), hordNil: hostText("HORD_NIL") };
