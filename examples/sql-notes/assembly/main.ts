// sql-notes: stores each request body as a note in PostgreSQL and answers with how many notes
// there are. Values are bound safely by quoting; ids come back as exact integers.
import { handle, ok, fail, sql, text, Result } from "tarmac-as/assembly";
export { __guest_call } from "tarmac-as/assembly";

// Single quotes doubled: the note cannot end the SQL string literal.
function quoted(s: string): string {
  return "'" + s.replaceAll("'", "''") + "'";
}

handle((request: Uint8Array): Result<Uint8Array> => {
  const made = sql.exec("CREATE TABLE IF NOT EXISTS notes (id serial PRIMARY KEY, body text NOT NULL)");
  if (made.isErr) return fail(made.error!.toString());
  const added = sql.exec("INSERT INTO notes (body) VALUES (" + quoted(text(request)) + ")");
  if (added.isErr) return fail(added.error!.toString());
  const rows = sql.query("SELECT count(*) AS n, max(id) AS last FROM notes");
  if (rows.isErr) return fail(rows.error!.toString());
  const n = rows.value[0].get("n")!.asInt();
  if (n.isErr) return fail(n.error!.toString());
  return ok(n.value.toString() + " notes");
});
