// How a compiled test guest makes each operation of the registry (spec/capabilities.mjs), for the
// suites that walk it: answers.test.mjs (every host text on every operation) and
// protobuf.test.mjs (every request against the guard). An operation the SDK sends and this table
// lacks fails both.
import { Op, request } from "./probe.mjs";
import { CapsOp, capsRequest, httpCallRequest, f64 } from "./caps.mjs";
import { operations } from "../spec/capabilities.mjs";

/** "namespace:operation" -> [the guest ("probe" or "caps"), the request that makes it]. */
export const CALLS = {
  "kvstore:get": ["probe", request(Op.GET, "k")],
  "kvstore:set": ["probe", request(Op.SET, "k", Buffer.from("v"))],
  "kvstore:delete": ["probe", request(Op.DELETE, "k")],
  "kvstore:keys": ["probe", request(Op.KEYS)],
  "httpclient:call": ["caps", httpCallRequest("GET", "http://127.0.0.1:9/")],
  "sql:query": ["caps", capsRequest(CapsOp.SQL, "SELECT 1")],
  "metrics:counter": ["caps", capsRequest(CapsOp.COUNTER, "hits")],
  "metrics:gauge": ["caps", capsRequest(CapsOp.GAUGE_INC, "in_flight")],
  "metrics:histogram": ["caps", capsRequest(CapsOp.HISTOGRAM, "seconds", f64(0.5))],
  ...Object.fromEntries(["info", "warn", "error", "debug", "trace"].map((level) => [`logger:${level}`, ["caps", capsRequest(CapsOp.LOG, level, Buffer.from("x", "utf16le"))]])),
  "function:*": ["caps", capsRequest(CapsOp.CALL, "other")],
};

/** The registry's operations the SDK sends (not those of the protobuf wire alone). */
export const SENT = operations().filter((op) => !op.protobufOnly);

/** "namespace:operation" of a registry operation. */
export const id = (op) => `${op.namespace}:${op.operation}`;
