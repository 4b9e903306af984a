// Tarmac v0.10.0's sql `query` callback (pkg/callbacks/sql) over JSON, on a real database
// reached through the SyncBridge. The reply's `data` is base64 of the rows as JSON.
import { goUnmarshal, goBase64Decode, goBytes } from "./go-json.mjs";
import { profile as tarmacProfile } from "./profiles.mjs";
import { status as st, OK, jsonAnswer, protoAnswer } from "./answer.mjs";

export function sqlCallbacks(bridge, { driver, config }, profile = tarmacProfile()) {
  // A request that decoded as protobuf is answered in protobuf (SQLQueryResponse: status, data).
  const protoQuery = (pb) => {
    const query = pb[1]?.at(-1) ?? Buffer.alloc(0);
    const answer = (code, text, data) => protoAnswer(st(code, text), { 5: data });
    if (query.length === 0) return answer(400, "SQL Query must be defined");
    const r = bridge.call("sql", { driver, config, query: query.toString(), pqPositions: profile.pqErrorPositions });
    if (r.error) return answer(500, `Unable to execute query - unable to execute query - ${r.error}`, Buffer.from("null"));
    return answer(200, "OK", Buffer.from(r.json));
  };
  const reply = (status, data) => jsonAnswer({ status, data });
  return {
    query(payload) {
      const pb = profile.decode(payload, "sql:query");
      if (pb) return protoQuery(pb);
      // Later checks overwrite earlier ones, as in Tarmac: nothing decoded means no query.
      const req = goUnmarshal(payload, { query: "" });
      let status = OK;
      let query = Buffer.alloc(0);
      if (!req) status = st(400, "Error Parsing Input");
      else {
        query = goBase64Decode(req.query);
        if (query === null) { status = st(400, "Unable to decode query - illegal base64 data at input byte 0"); query = Buffer.alloc(0); }
      }
      if (query.length === 0) status = st(400, "SQL Query must be defined");
      if (status.code !== 200) return reply(status, "");
      const r = bridge.call("sql", { driver, config, query: query.toString(), pqPositions: profile.pqErrorPositions });
      if (r.error) return reply(st(500, `Unable to execute query - unable to execute query - ${r.error}`), "bnVsbA==");
      return reply(OK, goBytes(Buffer.from(r.json)));
    },
  };
}
