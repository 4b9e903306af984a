// The conformance cases, written once and run on either host: the test host (each profile) in
// `npm test`, and a real Tarmac with `npm run conformance` when TARMAC_BIN is given. Each case
// runs on an empty key:value store; each step is one kv-probe request and what the SDK must
// answer. Recorded on real Tarmac, a case's host calls (request, reply, error) become the
// contract the test host must keep (tests/contract/<version>/).
import { Op, Kind, request } from "../probe.mjs";
import { CapsOp, capsRequest, f64, httpCallRequest, httpValuesRequest } from "../caps.mjs";
import { MESSAGES } from "../../scripts/messages.mjs";
import { isNatsKey } from "../../host/engine/server-stores.mjs";

const TWEET = "Tweet about Tarmac if you think it's awesome.";
const allBytes = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
const pattern = (n) => Buffer.from(Array.from({ length: n }, (_, i) => (i * 31 + (i >> 8)) & 255));

// Keys that JSON escapes, that protobuf decoders trip on, and that are long.
export const ADVERSARIAL_KEYS = [
  "myKey", "a", "key with spaces", "quote \" backslash \\ slash /", "new\nline\ttab\r", "\u0000\u001f\u007f",
  "ünïcödé ✓", "😀 𝄞", "\u2028\u2029\ufeff", "{\"key\":\"inner\"}", "\",\"data\":\"eA==", "<&>'",
  "a".repeat(102) + "|b " + "a".repeat(30), "$,4<DLT\\dlt|".repeat(20), "k".repeat(10000),
];

/**
 * A key this long (bytes) is past a NATS server's control line (4,096 bytes by default, the key
 * inside a subject): the server closes the connection, and Tarmac's NATS client, which does not
 * reconnect, fails every later call with "nats: connection closed" until Tarmac restarts.
 */
export const NATS_LONG_KEY = 4096;

/** Whether a store of the conformance runs is NATS key:value ("nats", "nats-cluster"). */
export const isNats = (store = "") => store.startsWith("nats");

const ok = { kind: Kind.OK };
// A kv-probe request and what the SDK must answer.
const step = (op, key, { value = Buffer.alloc(0), expect }) => ({ req: request(op, key, value), expect });
// A caps-probe request and what the SDK must answer (or, with `expect.http`, the HTTP answer).
const caps = (op, name, { rest = Buffer.alloc(0), expect }) => ({ req: capsRequest(op, name, rest), expect });
const utf16 = (s) => Buffer.from(s, "utf16le");
// A query through caps-probe: `sql` (PostgreSQL) or `mysql` (MariaDB); `rows` are what it must read.
const query = (driver, q, expect) => caps(driver === "postgres" ? CapsOp.SQL : CapsOp.MYSQL, q, { expect });
// The same statements on each database; the column types, the table's character set and how a
// backslash is written in a string literal differ.
function sqlCase(driver, label, { score, charset = "", backslash, failing }) {
  const q = (text, expect) => query(driver, text, expect);
  return {
    name: `SQL on ${label}: create, insert, select typed rows, an empty result, a failing query, drop`,
    guest: "caps",
    sql: driver,
    steps: [
      q("DROP TABLE IF EXISTS conformance", ok),
      q(`CREATE TABLE conformance (id INT PRIMARY KEY, name TEXT, score ${score}, ok BOOLEAN)${charset}`, ok),
      q(`INSERT INTO conformance VALUES (1, 'Ada', 1.5, true), (2, 'quote '' " ${backslash} ✓', NULL, false)`, ok),
      q("SELECT id, name, score, ok FROM conformance ORDER BY id", ok),
      q("SELECT id FROM conformance WHERE id < 0", { ...ok, value: Buffer.from("[]") }),
      ...failing.map((text) => q(text, { kind: Kind.HostFailure, code: 500 })),
      q("DROP TABLE conformance", ok),
    ],
  };
}
// sql.exec and sql.queryResult on `driver`'s database. Tarmac's main runs a statement through
// exec (on every wire: exec exists only in protobuf) and says how many rows it changed, and
// MariaDB the first id it inserted (lib/pq has none); v0.10.0 has no exec, so the SDK runs the
// statement through query and claims no counts. A result's columns come in the database's order
// over protobuf; the JSON wire has only the first row's names, sorted.
function sqlExecCase(driver, label, { serial, dual = "" }) {
  const exec = (text, expect) => caps(driver === "postgres" ? CapsOp.SQL_EXEC : CapsOp.MYSQL_EXEC, text, { expect });
  const columns = (text, expect) => caps(driver === "postgres" ? CapsOp.SQL_COLUMNS : CapsOp.MYSQL_COLUMNS, text, { expect });
  const counted = (rows, id) => (on) => ({
    ...ok,
    exec: on.profile === "main"
      ? { rowsAffected: rows, lastInsertId: driver === "postgres" ? 0 : id, hasRowsAffected: true, hasLastInsertId: driver !== "postgres" }
      : { rowsAffected: 0, lastInsertId: 0, hasRowsAffected: false, hasLastInsertId: false },
  });
  return {
    name: `SQL exec and columns on ${label}: rows affected, the insert id where the database has one, columns in order`,
    guest: "caps",
    sql: driver,
    steps: [
      exec("DROP TABLE IF EXISTS conformance_exec", counted(0, 0)),
      exec(`CREATE TABLE conformance_exec (id ${serial} PRIMARY KEY, n INT)`, counted(0, 0)),
      exec("INSERT INTO conformance_exec (n) VALUES (1), (2), (3)", counted(3, 1)),
      exec("INSERT INTO conformance_exec (n) VALUES (4)", counted(1, 4)),
      exec("UPDATE conformance_exec SET n = n + 10 WHERE n > 2", counted(2, 0)),
      exec("DELETE FROM conformance_exec WHERE n = 1", counted(1, 0)),
      exec("UPDATE no_such_table SET n = 1", { kind: Kind.HostFailure, code: 500 }),
      exec("", { kind: Kind.InvalidInput }),
      columns("SELECT n AS zeta, id AS alpha, 'x' AS mid FROM conformance_exec ORDER BY id", (on) => ({
        ...ok, columns: on.protobuf ? { inOrder: true, rows: 3, columns: ["zeta", "alpha", "mid"] } : { inOrder: false, rows: 3, columns: ["alpha", "mid", "zeta"] },
      })),
      columns(`SELECT 1 AS only_column${dual} WHERE 1 = 0`, (on) => ({ ...ok, columns: { inOrder: on.protobuf, rows: 0, columns: on.protobuf ? ["only_column"] : [] } })),
      exec("DROP TABLE conformance_exec", counted(0, 0)),
    ],
  };
}

// An HTTP client request through caps-probe to the local upstream servers (tests/servers/
// upstream.mjs); `url` gets their ports ({ http, https }) when the case runs.
const fetchStep = (method, url, { options = {}, expect }) => ({ req: (ports) => httpCallRequest(method, url(ports), options), expect });

// Each case runs on one guest: kv-probe with an emptied key:value store (`store: true`), or
// caps-probe. A step with `scrape` checks a line of the /metrics page instead of a request.
export const CASES = [
  {
    name: "the documented example: set, get, delete, then get is NotFound", guest: "probe", store: true,
    steps: [
      step(Op.SET, "myKey", { value: Buffer.from(TWEET), expect: ok }),
      step(Op.GET, "myKey", { expect: { ...ok, value: Buffer.from(TWEET) } }),
      step(Op.DELETE, "myKey", { expect: ok }),
      // Over protobuf Tarmac's text carries hord's error where the JSON one has the key too.
      step(Op.GET, "myKey", { expect: (on) => ({ kind: Kind.NotFound, code: 404, message: on.protobuf ? "Unable to fetch key nil value returned from database" : "Unable to fetch key myKey - nil value returned from database" }) }),
    ],
  },
  {
    name: "deleting a key that does not exist succeeds", guest: "probe", store: true,
    steps: [step(Op.DELETE, "never-set", { expect: ok })],
  },
  {
    name: "keys of an empty store is an empty list", guest: "probe", store: true,
    steps: [step(Op.KEYS, "", { expect: { ...ok, keys: [] } })],
  },
  {
    name: "keys lists every key", guest: "probe", store: true,
    steps: [
      step(Op.SET, "k1", { value: Buffer.from("1"), expect: ok }),
      step(Op.SET, "k2", { value: Buffer.from("2"), expect: ok }),
      step(Op.SET, "k3", { value: Buffer.from("3"), expect: ok }),
      step(Op.KEYS, "", { expect: { ...ok, keys: ["k1", "k2", "k3"] } }),
    ],
  },
  {
    // NATS holds only keys of -/_=.a-zA-Z0-9: the others are InvalidInput, in NATS's words, on
    // every operation (Tarmac: 500 for a set, 404 for a get or delete). A key past NATS's control
    // line (4 KB) ends Tarmac's NATS connection for good: NATS_LONG_KEY, a check of its own.
    name: "adversarial keys round-trip exactly", guest: "probe", store: true,
    steps: ADVERSARIAL_KEYS.flatMap((key, i) => {
      const nats = (on) => isNats(on.store);
      const refused = (on, code, expect) => (nats(on) && !isNatsKey(key) ? { kind: Kind.InvalidInput, code, messageEnd: "nats: invalid key" } : expect);
      const skip = (on) => nats(on) && Buffer.byteLength(key) >= NATS_LONG_KEY;
      return [
        { ...step(Op.SET, key, { value: Buffer.from(`value ${i}`), expect: (on) => refused(on, 500, ok) }), skip },
        { ...step(Op.GET, key, { expect: (on) => refused(on, 404, { ...ok, value: Buffer.from(`value ${i}`) }) }), skip },
        { ...step(Op.DELETE, key, { expect: (on) => refused(on, 404, ok) }), skip },
      ];
    }),
  },
  {
    name: "binary values round-trip exactly (1 B to 1 MiB, every byte value)", guest: "probe", store: true,
    steps: [Buffer.from([0]), allBytes, pattern(65536), pattern(1 << 20)].flatMap((value, i) => [
      step(Op.SET, `bin${i}`, { value, expect: ok }),
      step(Op.GET, `bin${i}`, { expect: { ...ok, value } }),
    ]),
  },
  {
    name: "input Tarmac would reject is refused before any host call", guest: "probe", store: true,
    steps: [
      step(Op.GET, "", { expect: { kind: Kind.InvalidInput, message: MESSAGES.E_EMPTY_KEY } }),
      step(Op.SET, "k", { value: Buffer.alloc(0), expect: { kind: Kind.InvalidInput, message: MESSAGES.E_EMPTY_VALUE } }),
    ],
  },
  {
    name: "logger: every level is accepted, the message passed as it is",
    guest: "caps",
    steps: ["info", "warn", "error", "debug", "trace"].map((level) => caps(CapsOp.LOG, level, { rest: utf16(`${level}: ünïcödé "quoted" $,4<DLT\\dlt|`), expect: ok })),
  },
  {
    name: "metrics: counter, gauge and histogram, as /metrics shows them",
    guest: "caps",
    steps: [
      caps(CapsOp.COUNTER, "conformance_hits", { expect: ok }),
      caps(CapsOp.COUNTER, "conformance_hits", { expect: ok }),
      caps(CapsOp.GAUGE_INC, "conformance_in_flight", { expect: ok }),
      caps(CapsOp.GAUGE_INC, "conformance_in_flight", { expect: ok }),
      caps(CapsOp.GAUGE_DEC, "conformance_in_flight", { expect: ok }),
      caps(CapsOp.HISTOGRAM, "conformance_seconds", { rest: f64(0.25), expect: ok }),
      caps(CapsOp.HISTOGRAM, "conformance_seconds", { rest: f64(1.5), expect: ok }),
      { scrape: /^conformance_hits 2$/m },
      { scrape: /^conformance_in_flight 1$/m },
      { scrape: /^conformance_seconds_count 2$/m },
      { scrape: /^conformance_seconds_sum 1.75$/m },
    ],
  },
  {
    name: "metrics: a name used before for another type is a Conflict",
    guest: "caps",
    steps: [
      caps(CapsOp.COUNTER, "conformance_taken", { expect: ok }),
      caps(CapsOp.GAUGE_INC, "conformance_taken", { expect: { kind: Kind.Conflict, message: "metric name in use" } }),
    ],
  },
  {
    name: "a failed handler is HTTP 500 for its caller",
    guest: "caps",
    steps: [caps(CapsOp.ECHO, "fail", { expect: { http: 500 } })],
  },
  {
    name: "function-to-function: bytes both ways, the other function's error, a name with no route",
    guest: "caps",
    functions: true, // a `function` route to caps-probe as "echo"
    steps: [
      caps(CapsOp.CALL, "echo", { rest: capsRequest(CapsOp.ECHO, "", Buffer.from("héllo \u0000 bytes")), expect: { ...ok, value: Buffer.from("echo:héllo \u0000 bytes") } }),
      caps(CapsOp.CALL, "echo", { rest: capsRequest(CapsOp.ECHO, "fail"), expect: { kind: Kind.HostFailure, message: "failed to execute wasm module - echo failed on purpose" } }),
      caps(CapsOp.CALL, "missing", { rest: Buffer.from("x"), expect: { kind: Kind.NotFound } }),
    ],
  },
  {
    name: "HTTP client: responses of any status, TLS verification and its opt-out, a refused connection",
    guest: "caps",
    upstream: true, // tests/servers/upstream.mjs on loopback
    steps: [
      fetchStep("GET", (p) => `http://127.0.0.1:${p.http}/text?status=200&body=hello`, { expect: { ...ok, status: 200 } }),
      fetchStep("POST", (p) => `http://127.0.0.1:${p.http}/text?status=404&body=missing`, { options: { body: Buffer.from("payload"), headers: { "Content-Type": "text/plain" } }, expect: { ...ok, status: 404 } }),
      fetchStep("GET", (p) => `https://127.0.0.1:${p.https}/text?body=secure`, { options: { insecure: true }, expect: { ...ok, status: 200 } }),
      fetchStep("GET", (p) => `https://127.0.0.1:${p.https}/text?body=secure`, { expect: { kind: Kind.HostFailure, code: 500 } }),
      fetchStep("GET", () => "http://127.0.0.1:1/", { expect: { kind: Kind.HostFailure, code: 500 } }),
      fetchStep("GET", () => "ftp://127.0.0.1/", { expect: { kind: Kind.InvalidInput } }),
      fetchStep("GET", () => "http://[::1/", { expect: { kind: Kind.InvalidInput, code: 400 } }),
      ...["PUT", "PATCH", "DELETE", "HEAD"].map((method) => fetchStep(method, (p) => `http://127.0.0.1:${p.http}/text?status=201&body=${method}`, { options: { body: Buffer.from(method) }, expect: { ...ok, status: 201 } })),
    ],
  },
  {
    name: "HTTP client: a header given twice reaches the upstream, every value of a response header where the host sends them",
    guest: "caps",
    upstream: true,
    // The upstream answers X-Multi twice. Only main's protobuf reply carries both values.
    steps: [{
      req: (p) => httpValuesRequest("GET", `http://127.0.0.1:${p.http}/text?body=values`, [["X-Twice", "one"], ["X-Twice", "two"]]),
      expect: (on) => ({ ...ok, status: 200, headerValues: { "x-multi": on.protobuf && on.profile === "main" ? ["first", "second"] : ["first"], server: ["tarmac"] } }),
    }],
  },
  sqlExecCase("postgres", "PostgreSQL", { serial: "SERIAL" }),
  sqlExecCase("mariadb", "MariaDB", { serial: "INT AUTO_INCREMENT", dual: " FROM DUAL" }),
  sqlCase("postgres", "PostgreSQL", { score: "FLOAT8", backslash: "\\", failing: ["SELECT * FROM no_such_table", "SELECT 1\nFROM no_such_table"] }),
  sqlCase("mariadb", "MariaDB", { score: "DOUBLE", charset: " CHARACTER SET utf8mb4", backslash: "\\\\", failing: ["SELECT * FROM no_such_table"] }),
];

/** Which recording a case belongs to: "store" (kv-probe), "capabilities", "postgres" or "mariadb". */
export const groupOf = (c) => (c.guest === "probe" ? "store" : c.sql ?? "capabilities");
