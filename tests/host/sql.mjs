// Tarmac v0.10.0's sql `query` callback (pkg/callbacks/sql) over JSON, on a real database
// reached through the SyncBridge. The reply's `data` is base64 of the rows as JSON.
import { CallbackError } from "./tarmac-host.mjs";
import { goJSON, goUnmarshal, goBase64Decode, goBytes } from "./go-json.mjs";

export function sqlCallbacks(bridge, { driver, config }) {
  const reply = (status, data) => {
    const bytes = goJSON({ status, data });
    if (status.code !== 200) throw new CallbackError(status.status, bytes);
    return bytes;
  };
  return {
    query(payload) {
      // Later checks overwrite earlier ones, as in Tarmac: nothing decoded means no query.
      const req = goUnmarshal(payload, { query: "" });
      let status = { code: 200, status: "OK" };
      let query = Buffer.alloc(0);
      if (!req) status = { code: 400, status: "Error Parsing Input" };
      else {
        query = goBase64Decode(req.query);
        if (query === null) { status = { code: 400, status: "Unable to decode query - illegal base64 data at input byte 0" }; query = Buffer.alloc(0); }
      }
      if (query.length === 0) status = { code: 400, status: "SQL Query must be defined" };
      if (status.code !== 200) return reply(status, "");
      const r = bridge.call("sql", { driver, config, query: query.toString() });
      if (r.error) return reply({ code: 500, status: `Unable to execute query - unable to execute query - ${r.error}` }, "bnVsbA==");
      return reply({ code: 200, status: "OK" }, goBytes(Buffer.from(r.json)));
    },
  };
}
