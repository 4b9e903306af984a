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
//   `notFoundOn404` marks the operations whose 404 can mean "no such key" (see HOST_ANSWERS);
//   `emptyRequest` the ones asked for with an empty payload (which every Tarmac answers in JSON);
//   `sent: false` the ones the SDK does not send over JSON (the protobuf wire's alone).
// - `texts`: host error texts of this capability that the SDK recognises (see HOST_ANSWERS).

/** Kinds of the SDK's ErrorKind, by name (assembly/errors.ts). */
export const ERROR_KINDS = ["NotFound", "InvalidInput", "HostFailure", "Unavailable", "InvalidResponse", "InvalidData", "Handler", "Conflict"];

const STATUS = { code: "int", status: "string" };

export const CAPABILITIES = {
  kvstore: {
    sdk: "assembly/kv.ts",
    host: "host/engine/kvstore.mjs",
    operations: {
      get: { request: { key: "string" }, reply: { status: STATUS, data: "base64" }, proto: { 1: "string" }, notFoundOn404: true },
      set: { request: { key: "string", data: "base64" }, reply: { status: STATUS }, proto: { 1: "string", 2: "bytes" } },
      delete: { request: { key: "string" }, reply: { status: STATUS }, proto: { 1: "string" } },
      keys: { request: null, reply: { keys: "string[]|null", status: STATUS }, proto: { 1: "bool" }, emptyRequest: true },
    },
  },
  httpclient: {
    sdk: "assembly/http.ts",
    host: "host/engine/httpclient.mjs",
    operations: {
      // headers: map<string,string> on v0.10.0, map<string, Header{repeated values}> on main (protobuf only).
      call: {
        request: { method: "string", headers: "map<string,string>", url: "string", body: "base64", insecure: "bool" },
        reply: { status: STATUS, code: "int", headers: "map<string,string>|null", body: "base64" },
        proto: { 1: "string", 2: "map", 3: "string", 4: "bytes", 5: "bool" },
      },
    },
  },
  sql: {
    sdk: "assembly/sql.ts",
    host: "host/engine/sql.mjs",
    operations: {
      query: { request: { query: "base64" }, reply: { status: STATUS, data: "base64" }, proto: { 1: "bytes" } },
      // `main` only, and only over protobuf.
      exec: { request: null, reply: null, proto: { 1: "bytes" }, sent: false },
    },
  },
  metrics: {
    sdk: "assembly/metrics.ts",
    host: "host/engine/metrics.mjs",
    // Tarmac's metrics callbacks answer errors as text alone (no body).
    textOnly: true,
    operations: {
      counter: { request: { name: "string" }, reply: null, proto: { 1: "string" } },
      gauge: { request: { name: "string", action: "string" }, reply: null, proto: { 1: "string", 2: "string" } },
      histogram: { request: { name: "string", value: "number" }, reply: null, proto: { 1: "string", 2: "double" } },
    },
    texts: {
      "metric name in use": "Conflict",
      "invalid metric name": "InvalidInput",
      "invalid action": "InvalidInput",
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
    texts: {
      // No `function` route for the name.
      "callback not found": "NotFound",
    },
  },
};

/**
 * How the SDK turns a host's answer into a typed error, in the order it decides (the SDK's
 * assembly/answers.ts follows this list; `tests/answers.test.mjs` drives each row):
 * - a capability's own `texts` (exact match on the host's error text) give their kind;
 * - `callback not found` on any other capability: the capability is switched off;
 * - a status of 400: the input was refused; 404 with hord's ErrNil text at the end of the
 *   message, on an operation marked `notFoundOn404`: no such key; any other status of 400 and
 *   over, or a failure without a body: the host or its store failed.
 */
export const HOST_ANSWERS = {
  /** The text of every Tarmac's router for a triple it does not have. */
  callbackNotFound: "callback not found",
  /** The text hord's drivers end a missing key's message with (ErrNil). */
  hordNil: "nil value returned from database",
  statuses: { 400: "InvalidInput", 404: "NotFound (hord's ErrNil only, else HostFailure)", other: "HostFailure" },
};

/** Every operation of the registry: { namespace, operation, ...spec }. */
export function operations() {
  return Object.entries(CAPABILITIES).flatMap(([namespace, cap]) =>
    Object.entries(cap.operations).map(([operation, spec]) => ({ namespace, operation, ...spec })));
}

/** The protobuf request messages Tarmac decodes, by "namespace:operation" (field number -> kind). */
export const PROTO_MESSAGES = Object.fromEntries(operations().filter((op) => op.proto).map((op) => [`${op.namespace}:${op.operation}`, op.proto]));
