// Tarmac's sql callbacks (pkg/callbacks/sql) on a real database reached through the SyncBridge
// (or canned rows). `query`: protobuf first, then JSON; the reply's `data` is the rows as JSON
// (sql-rows.mjs), base64 in a JSON reply, and a protobuf reply also has the result's `columns`
// in the database's order. `exec` (main only; v0.10.0 registers none): protobuf only, rows
// affected and the last insert id; a driver without one (lib/pq) makes the answer a 206.
import { goUnmarshal, goBase64Decode, goBytes } from "./go-json.mjs";
import { profile as tarmacProfile } from "./profiles.mjs";
import { lastField } from "./protowire.mjs";
import { status, OK, jsonAnswer, protoAnswer, protobufFirst } from "./answer.mjs";
import { CallbackError } from "./errors.mjs";

export function sqlCallbacks(bridge, { driver, config }, profile = tarmacProfile()) {
  const noQuery = status(400, "SQL Query must be defined");
  // { json } of the rows, or { failed }: Tarmac's status for a query the database refused.
  const run = (query) => {
    const r = bridge.call("sql", { driver, config, query: query.toString(), pqPositions: profile.pqErrorPositions });
    return r.error ? { failed: status(500, `Unable to execute query - unable to execute query - ${r.error}`) } : { json: Buffer.from(r.json), columns: r.columns ?? [] };
  };
  // A request that decoded as protobuf is answered in protobuf (SQLQueryResponse: status,
  // columns as field 4, one string each, data as field 5).
  const fromProto = (pb) => {
    const query = lastField(pb, 1) ?? Buffer.alloc(0);
    if (query.length === 0) return protoAnswer(noQuery);
    const r = run(query);
    return r.failed ? protoAnswer(r.failed, { 5: Buffer.from("null") }) : protoAnswer(OK, { 4: r.columns, 5: r.json });
  };
  // SQLExec, read with UnmarshalVT and no JSON fallback: a payload that does not decode fails
  // the call with an empty reply. SQLExecResponse: status, last_insert_id 2, rows_affected 3
  // (proto3: a zero is left out).
  const exec = (payload) => {
    const pb = profile.decode(payload, "sql:exec");
    if (!pb) throw new CallbackError("unable to unmarshal database:exec request", Buffer.alloc(0));
    const query = lastField(pb, 1) ?? Buffer.alloc(0);
    if (query.length === 0) return protoAnswer(noQuery);
    const r = bridge.call("exec", { driver, config, query: query.toString(), pqPositions: profile.pqErrorPositions });
    if (r.error) return protoAnswer(status(500, `Unable to execute query - ${r.error}`));
    const counts = { 2: nonZero(r.lastInsertId), 3: nonZero(r.rowsAffected) };
    if (r.lastInsertId === null) return protoAnswer(status(206, "Unable to get last insert ID - LastInsertId is not supported by this driver"), counts);
    return protoAnswer(OK, counts);
  };
  const reply = (st, data) => jsonAnswer({ status: st, data });
  const fromJSON = (payload) => {
    // Later checks overwrite earlier ones, as in Tarmac: nothing decoded means no query.
    const req = goUnmarshal(payload, { query: "" });
    let st = OK;
    let query = Buffer.alloc(0);
    if (!req) st = status(400, "Error Parsing Input");
    else {
      query = goBase64Decode(req.query);
      if (query === null) { st = status(400, "Unable to decode query - illegal base64 data at input byte 0"); query = Buffer.alloc(0); }
    }
    if (query.length === 0) st = noQuery;
    if (st.code !== 200) return reply(st, "");
    const r = run(query);
    return r.failed ? reply(r.failed, "bnVsbA==") : reply(OK, goBytes(r.json));
  };
  const callbacks = { query: protobufFirst(profile, "sql:query", fromProto, fromJSON) };
  if (profile.sqlExec) callbacks.exec = exec;
  return callbacks;
}

const nonZero = (n) => (n ? n : undefined);
