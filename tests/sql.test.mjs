// SQL over compiled guests on real PostgreSQL and MariaDB servers (Debian's packages), started
// by the test on loopback. Mirrors Tarmac's own sql tests, then checks typed values.
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { guests } from "./guests.mjs";
import { TarmacHost } from "../host/engine/tarmac-host.mjs";
import { Kind, decode } from "./probe.mjs";
import { databaseForTests } from "./servers/databases.mjs";

// Each database on its own: one that cannot run here skips its own tests (saying why), unless
// SQL_SERVERS=required (as in CI), which fails this file instead.
const dbs = {};
const skipped = {};
after(async () => {
  for (const db of Object.values(dbs)) { await db.host?.close(); await db.server.stop(); }
});
for (const [name, driver, op] of [["postgres", "postgres", 10], ["mariadb", "mysql", 11]]) {
  const { server, skip } = await databaseForTests(name, "sql");
  if (skip) { skipped[name] = skip; continue; }
  const db = dbs[name] = { server, op };
  db.host = new TarmacHost({ sql: { driver, config: server.config } });
  db.guest = await db.host.instantiate(guests.caps);
}

const run = (db, query) => {
  const head = Buffer.alloc(5);
  head[0] = db.op;
  head.writeUInt32LE(query.length, 1);
  const r = db.guest.call(Buffer.concat([head, Buffer.from(query, "utf16le")]));
  if (!r.ok) throw new Error(r.error);
  const d = decode(r.body);
  return d.kind === Kind.OK ? { kind: d.kind, rows: JSON.parse(d.rest.toString()) } : d;
};

for (const name of ["postgres", "mariadb"]) {
  test(`${name}: Tarmac's failing queries are typed errors`, { skip: skipped[name] }, () => {
    const db = dbs[name];
    for (const q of ["CREATE TALBE;", "SELECT * FROM no_such_table", "1234e213423ewqw"]) {
      const r = run(db, q);
      assert.equal(r.kind, Kind.HostFailure, q);
      assert.match(r.message, name === "postgres" ? /^Unable to execute query - unable to execute query - pq: / : /^Unable to execute query - unable to execute query - Error \d+ \(\w+\): /,
        "worded as lib/pq and go-sql-driver/mysql word it");
      assert.equal(r.code, 500);
    }
    const calls = db.guest.hostCalls.length;
    assert.equal(run(db, "").kind, Kind.InvalidInput);
    assert.equal(run(db, "SELECT '\ud800'").kind, Kind.InvalidInput);
    assert.equal(db.guest.hostCalls.length, calls, "refused before the host call");
  });

  test(`${name}: create, insert, select, delete (Tarmac's happy path)`, { skip: skipped[name] }, () => {
    const db = dbs[name];
    assert.deepEqual(run(db, "CREATE TABLE users (id int, name varchar(64))"), { kind: Kind.OK, rows: [] });
    assert.equal(run(db, "INSERT INTO users (id, name) VALUES (1, 'Ada'), (2, 'Grace \"G\" ü''s')").kind, Kind.OK);
    const r = run(db, "SELECT id, name FROM users ORDER BY id");
    assert.equal(r.kind, Kind.OK);
    assert.deepEqual(r.rows.map((row) => [row.id.int, row.name.text]), [["1", "Ada"], ["2", "Grace \"G\" ü's"]]);
    const sent = JSON.parse(db.guest.hostCalls.at(-1).payload.toString());
    assert.deepEqual(Object.keys(sent), ["query"]);
    assert.equal(Buffer.from(sent.query, "base64").toString(), "SELECT id, name FROM users ORDER BY id");
    assert.deepEqual(run(db, "SELECT id FROM users WHERE id > 99"), { kind: Kind.OK, rows: [] }, "no rows");
    assert.equal(run(db, "DROP TABLE users").kind, Kind.OK);
  });
}

test("postgres: values arrive as JSON types and read as typed values", { skip: skipped.postgres }, () => {
  const r = run(dbs.postgres, `SELECT 42 AS i, 9007199254740993::bigint AS big, 1.5::float8 AS f, true AS b, NULL::text AS n,
    'quote " \\ | } ✓'::text AS t, '{"a":[1,2]}'::json AS j, 'x'::bytea AS bin, '2024-01-02 03:04:05.123456+00'::timestamptz AS ts`);
  assert.equal(r.kind, Kind.OK, r.message);
  const [row] = r.rows;
  assert.deepEqual(Object.keys(row), ["b", "big", "bin", "f", "i", "j", "n", "t", "ts"], "sorted, as Tarmac sends them");
  assert.equal(row.ts.text, "2024-01-02T03:04:05.123456Z", "times as Go writes them, to the microsecond");
  assert.deepEqual(row.i, { type: 2, text: "42", int: "42", bool: null, bytes: 2 });
  assert.equal(row.big.int, "9007199254740993", "64-bit integers are exact");
  assert.deepEqual([row.f.type, row.f.text, row.f.int], [2, "1.5", null]);
  assert.deepEqual([row.b.type, row.b.bool], [1, true]);
  assert.deepEqual([row.n.type, row.n.text, row.n.int], [0, "", null]);
  assert.deepEqual([row.t.type, row.t.text], [3, 'quote " \\ | } ✓']);
  assert.equal(Buffer.from(row.j.text, "base64").toString(), '{"a":[1,2]}', "lib/pq hands json over as bytes");
  assert.equal(Buffer.from(row.bin.text, "base64").toString(), "x");
});

test("mariadb: every column arrives base64-encoded and `mysql` decodes it exactly", { skip: skipped.mariadb }, () => {
  const r = run(dbs.mariadb, `SELECT 42 AS i, -9223372036854775808 AS small, 1.5 AS f, NULL AS n, 'quote " \\\\ ✓' AS t, UNHEX('00FF7F80') AS bin, TRUE AS b`);
  assert.equal(r.kind, Kind.OK, r.message);
  const [row] = r.rows;
  assert.deepEqual(row.i, { type: 3, text: "42", int: "42", bool: null, bytes: 2 });
  assert.equal(row.small.int, "-9223372036854775808");
  assert.deepEqual([row.f.text, row.f.int], ["1.5", null]);
  assert.deepEqual([row.n.type, row.n.text], [0, ""]);
  assert.equal(row.t.text, 'quote " \\ ✓');
  assert.equal(row.bin.bytes, 4, "binary columns keep their exact bytes");
  assert.equal(row.b.bool, true);
});

test("postgres on the main profile: errors also say where the query failed and the SQLSTATE code (lib/pq 1.12)", { skip: skipped.postgres }, async () => {
  const host = new TarmacHost({ profile: "main", sql: { driver: "postgres", config: dbs.postgres.server.config } });
  const guest = await host.instantiate(guests.caps);
  const db = { guest, op: 10 };
  assert.equal(run(db, "SELECT * FROM no_such_table").message, 'Unable to execute query - unable to execute query - pq: relation "no_such_table" does not exist at column 15 (42P01)');
  assert.equal(run(db, "SELECT 1\nFROM no_such_table").message, 'Unable to execute query - unable to execute query - pq: relation "no_such_table" does not exist at position 2:6 (42P01)');
  assert.equal(run(dbs.postgres, "SELECT * FROM no_such_table").message, 'Unable to execute query - unable to execute query - pq: relation "no_such_table" does not exist', "v0.10.0 (lib/pq 1.10)");
  await host.close();
});
