// sql-counter: counts its requests exactly, however many run at once. One SQL statement adds one
// and returns the new count (PostgreSQL's INSERT ... ON CONFLICT ... DO UPDATE ... RETURNING), so
// no two requests can read the same count, as a key:value get-then-set can (kv-counter: over half
// of the increments lost from 8 clients; README, Limits).
import { handle, ok, fail, sql, Result } from "tarmac-as/assembly";
export { __guest_call } from "tarmac-as/assembly";

handle((request: Uint8Array): Result<Uint8Array> => {
  // Requests that start together race to create the table, and PostgreSQL refuses all but one
  // of them (a duplicate key in its catalog): that refusal is kept only if counting fails too.
  const made = sql.exec("CREATE TABLE IF NOT EXISTS counters (name text PRIMARY KEY, n bigint NOT NULL)");
  const rows = sql.query("INSERT INTO counters (name, n) VALUES ('requests', 1) ON CONFLICT (name) DO UPDATE SET n = counters.n + 1 RETURNING n");
  if (rows.isErr) return fail(made.isErr ? made.error!.toString() : rows.error!.toString());
  const n = rows.value[0].get("n")!.asInt();
  if (n.isErr) return fail(n.error!.toString());
  return ok(n.value.toString());
});
