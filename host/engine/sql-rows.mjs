// Rows as Tarmac's Go drivers hand them to encoding/json, for real rows (io-worker.mjs) and
// canned ones (tarmac-as/host) alike: a []map[string]any, which encoding/json writes with each
// row's keys sorted. lib/pq gives strings, numbers, booleans, times and []byte (base64);
// go-sql-driver/mysql gives []byte (base64) for every non-NULL column.

const byName = (a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

/**
 * The JSON text of `rows` from `driver` ("postgres" | "mysql"), each row a list of columns
 * { name, value, type } (`type`: PostgreSQL's type OID, for a value as the server sent it as
 * text); "null" when there are none, as Tarmac answers an empty result.
 */
export function rowsJSON(driver, rows) {
  if (rows.length === 0) return "null";
  const value = driver === "mysql" ? mysqlValue : pgValue;
  return "[" + rows.map((row) => "{" + [...row].sort(byName).map((c) => JSON.stringify(c.name) + ":" + value(c.value, c.type)).join(",") + "}").join(",") + "]";
}

/** go-sql-driver/mysql: a column's bytes (or its text), which encoding/json writes as base64. */
function mysqlValue(v) {
  if (v === null || v === undefined) return "null";
  return JSON.stringify(Buffer.from(Buffer.isBuffer(v) ? v : String(v)).toString("base64"));
}

/**
 * lib/pq: the value Go gets for a column of type `oid` sent as `text`; without a type, `v` is
 * already the driver's value (canned rows) and is written as it is.
 */
function pgValue(v, oid) {
  if (v === null || v === undefined) return "null";
  if (oid === undefined) return JSON.stringify(v);
  switch (oid) {
    case 16: return v === "t" ? "true" : "false";
    case 20: case 21: case 23: case 26: return v;
    case 700: case 701: return JSON.stringify(Number(v));
    case 18: case 19: case 25: case 1042: case 1043: return JSON.stringify(v);
    case 17: return JSON.stringify(Buffer.from(v.slice(2), "hex").toString("base64"));
    case 1082: case 1114: case 1184: return JSON.stringify(rfc3339(v));
    default: return JSON.stringify(Buffer.from(v).toString("base64"));
  }
}

// Go's time.Time in JSON: RFC 3339 in UTC with the fraction's trailing zeros trimmed (lib/pq
// keeps PostgreSQL's microseconds).
function rfc3339(text) {
  const m = /^(\d{4}-\d{2}-\d{2})(?:[ T](\d{2}:\d{2}:\d{2})(?:\.(\d+))?)?([+-]\d{2}(?::?\d{2})?)?$/.exec(text);
  if (!m) return text;
  const frac = (m[3] ?? "").replace(/0+$/, "");
  const base = new Date(`${m[1]}T${m[2] ?? "00:00:00"}${m[4] ? (m[4].length === 3 ? m[4] + ":00" : m[4]) : "Z"}`);
  return base.toISOString().replace(/\.\d{3}Z$/, frac ? `.${frac}Z` : "Z");
}
