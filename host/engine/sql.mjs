// Tarmac's sql `query` callback (pkg/callbacks/sql), protobuf first, then JSON, on a real
// database reached through the SyncBridge (or canned rows). The reply's `data` is the rows as
// JSON (sql-rows.mjs), base64 in a JSON reply.
import { goUnmarshal, goBase64Decode, goBytes } from "./go-json.mjs";
import { profile as tarmacProfile } from "./profiles.mjs";
import { lastField } from "./protowire.mjs";
import { status, OK, jsonAnswer, protoAnswer, protobufFirst } from "./answer.mjs";

export function sqlCallbacks(bridge, { driver, config }, profile = tarmacProfile()) {
  const noQuery = status(400, "SQL Query must be defined");
  // { json } of the rows, or { failed }: Tarmac's status for a query the database refused.
  const run = (query) => {
    const r = bridge.call("sql", { driver, config, query: query.toString(), pqPositions: profile.pqErrorPositions });
    return r.error ? { failed: status(500, `Unable to execute query - unable to execute query - ${r.error}`) } : { json: Buffer.from(r.json) };
  };
  // A request that decoded as protobuf is answered in protobuf (SQLQueryResponse: status, data).
  const fromProto = (pb) => {
    const query = lastField(pb, 1) ?? Buffer.alloc(0);
    if (query.length === 0) return protoAnswer(noQuery);
    const r = run(query);
    return r.failed ? protoAnswer(r.failed, { 5: Buffer.from("null") }) : protoAnswer(OK, { 5: r.json });
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
  return { query: protobufFirst(profile, "sql:query", fromProto, fromJSON) };
}
