// Tarmac's SQL capability (`sql` `query`): rows as typed values, read by column name.
//
// Tarmac's SQL callback writes the rows as a JSON array of objects (null when there are none),
// whichever wire carries them (wire.ts). With PostgreSQL the values are JSON strings, numbers,
// booleans and nulls; with MySQL/MariaDB the driver hands every column over as bytes, which
// encoding/json writes as base64: use `mysql` instead of `sql` and the SDK decodes them.

//
// query {query=1: the SQL} -> {status=1, data=5: the rows' JSON} (SQLQueryResponse; its
// columns=4 is the protobuf wire's alone).

import * as wire from "./wire";
import { newBytes } from "./buffers";
import { JsonReader, JsonType } from "./json";
import { Result } from "./result";
import { isValidUnicode, decodeUtf8, bytes } from "./utf8";
import { base64DecodedLength, decodeBase64To } from "./base64";
import { ErrorKind, TarmacError, E_EMPTY_QUERY, E_LONE_SURROGATE, E_BAD_ROWS, E_NOT_A_NUMBER, E_NOT_A_BOOL, E_WRONG_TYPE, HOST_NO_ROWS_AFFECTED } from "./errors";

// @ts-ignore: decorator (inlined, so a module that does not use this capability does not carry the name)
@lazy @inline const CAPABILITY: string = "sql";

/** The JSON type of a column value. */
export enum SqlType { Null, Bool, Number, Text, Json }

/**
 * One column value.
 *
 * ```ts
 * const id = row.get("id")!.asInt();   // Result<i64>
 * const name = row.get("name")!.asString();
 * ```
 */
export class SqlValue {
  constructor(
    /** Its JSON type (MySQL values are always Text, or Null). */
    public type: SqlType,
    /** Text values as text; numbers, booleans and JSON as their JSON text; "" for null. */
    public raw: string,
    private data: Uint8Array | null = null,
  ) {}

  /** True for SQL NULL. `if (v.isNull) ...` */
  get isNull(): bool { return this.type == SqlType.Null; }

  /** The value as text ("" for NULL). `v.asString()` */
  asString(): string { return this.raw; }

  /** The value's bytes: MySQL's exact column bytes, otherwise the UTF-8 of `asString()`. `v.asBytes()` */
  asBytes(): Uint8Array {
    const d = this.data;
    return d !== null ? d : bytes(this.raw);
  }

  /** The value as an integer: a JSON integer, or text that is one (as MySQL sends numbers). `v.asInt()` */
  asInt(): Result<i64> {
    const s = this.raw;
    let i = 0;
    const n = s.length;
    let neg = false;
    if (n > 0 && (s.charCodeAt(0) == 45 || s.charCodeAt(0) == 43)) { neg = s.charCodeAt(0) == 45; i = 1; }
    if (this.type == SqlType.Null || i == n || n - i > 19) return notNumber<i64>();
    let v: u64 = 0;
    for (; i < n; i++) {
      const c = s.charCodeAt(i);
      if (c < 48 || c > 57) return notNumber<i64>();
      const next = v * 10 + <u64>(c - 48);
      if (next / 10 != v) return notNumber<i64>();
      v = next;
    }
    if (v > (neg ? <u64>9223372036854775808 : <u64>9223372036854775807)) return notNumber<i64>();
    return Result.ok<i64>(neg ? -(<i64>v) : <i64>v);
  }

  /** The value as a float: a JSON number, or text that is a whole decimal number (`"1.5kg"` is `InvalidData`). `v.asFloat()` */
  asFloat(): Result<f64> {
    if (this.type == SqlType.Null || !isDecimal(this.raw)) return notNumber<f64>();
    return Result.ok<f64>(parseFloat(this.raw));
  }

  /** The value as a boolean: JSON true/false, or MySQL's "1"/"0". `v.asBool()` */
  asBool(): Result<bool> {
    const s = this.raw;
    if (this.type != SqlType.Null) {
      if (s == "true" || s == "1" || s == "t") return Result.ok<bool>(true);
      if (s == "false" || s == "0" || s == "f") return Result.ok<bool>(false);
    }
    return Result.err<bool>(new TarmacError(ErrorKind.InvalidData, E_NOT_A_BOOL(), 0, CAPABILITY, "query"));
  }
}

// Whether `s` is a whole decimal number: an optional sign, digits with an optional fraction (or
// a fraction alone), an optional exponent. Nothing before or after it.
function isDecimal(s: string): bool {
  const n = s.length;
  let i = 0;
  if (i < n && (s.charCodeAt(i) == 43 || s.charCodeAt(i) == 45)) i++;
  let digits = 0;
  while (i < n && isDigitAt(s, i)) { i++; digits++; }
  if (i < n && s.charCodeAt(i) == 46) {
    i++;
    while (i < n && isDigitAt(s, i)) { i++; digits++; }
  }
  if (digits == 0) return false;
  if (i < n && (s.charCodeAt(i) | 32) == 101) {
    i++;
    if (i < n && (s.charCodeAt(i) == 43 || s.charCodeAt(i) == 45)) i++;
    const start = i;
    while (i < n && isDigitAt(s, i)) i++;
    if (i == start) return false;
  }
  return i == n;
}

function isDigitAt(s: string, i: i32): bool {
  const c = s.charCodeAt(i);
  return c >= 48 && c <= 57;
}

function notNumber<T>(): Result<T> {
  return Result.err<T>(new TarmacError(ErrorKind.InvalidData, E_NOT_A_NUMBER(), 0, CAPABILITY, "query"));
}

/**
 * One row: its values by column name.
 *
 * ```ts
 * for (let i = 0; i < rows.length; i++) log.info(rows[i].get("name")!.asString());
 * ```
 */
export class SqlRow {
  columns: Map<string, SqlValue> = new Map<string, SqlValue>();

  /** The value of `column`, or null if the row has no such column. `row.get("id")` */
  get(column: string): SqlValue | null {
    return this.columns.has(column) ? this.columns.get(column) : null;
  }

  /** The column names (sorted, as Tarmac sends them). `row.names()` */
  names(): string[] {
    return this.columns.keys();
  }
}

/**
 * What a query gave: its rows and its columns. `columns` are in the database's order where the
 * host says it (`columnsInOrder`: Tarmac's protobuf wire); on JSON they are the first row's
 * names in the order Tarmac wrote them (sorted), and empty when there are no rows.
 *
 * ```ts
 * const r = sql.queryResult("SELECT name, id FROM users");
 * if (r.isOk) log.info(r.value.columns.join(",")); // name,id over protobuf
 * ```
 */
export class SqlResult {
  constructor(public rows: SqlRow[], public columns: string[], public columnsInOrder: bool) {}
}

/**
 * What a statement did (`sql.exec`). Tarmac's `main` reports the rows affected and, where the
 * driver has one, the last insert id: MySQL and MariaDB do, PostgreSQL (lib/pq) never does (use
 * `INSERT ... RETURNING id` with `sql.query`). A count the host did not give is 0, with its
 * `has...` false: on a Tarmac without exec (v0.10.0 and older) the statement runs through query
 * and neither is known.
 *
 * ```ts
 * const r = sql.exec("UPDATE users SET active = false WHERE last_seen < now() - interval '1 year'");
 * if (r.isOk && r.value.hasRowsAffected) log.info(r.value.rowsAffected.toString() + " users");
 * ```
 */
export class SqlExec {
  constructor(
    public rowsAffected: i64,
    public lastInsertId: i64,
    public hasRowsAffected: bool,
    public hasLastInsertId: bool,
  ) {}
}

// Why a query or statement cannot be sent (null: it can).
function checkQuery(query: string, operation: string): TarmacError | null {
  if (query.length == 0) return new TarmacError(ErrorKind.InvalidInput, E_EMPTY_QUERY(), 0, CAPABILITY, operation);
  if (!isValidUnicode(query)) return new TarmacError(ErrorKind.InvalidInput, E_LONE_SURROGATE(), 0, CAPABILITY, operation);
  return null;
}

/**
 * Runs `query` through Tarmac's sql `query`; `base64Columns` decodes MySQL's base64 values.
 *
 * ```ts
 * const r = runQuery("SELECT id, name FROM users", false);
 * ```
 */
export function runQuery(query: string, base64Columns: bool): Result<SqlResult> {
  const bad = checkQuery(query, "query");
  if (bad) return Result.err<SqlResult>(bad);
  const text = bytes(query);
  wire.request(0, text.length);
  wire.data(1, "query", text.dataStart, text.length);
  rowsJson = null;
  const names = new Array<string>();
  columns = names;
  const err = wire.readReply(wire.send("tarmac", CAPABILITY, "query"), readRowsField, CAPABILITY, "query", 0);
  const data = rowsJson;
  rowsJson = null; columns = null;
  if (err) return Result.err<SqlResult>(err);
  // Over protobuf, data left out is empty (proto3 cannot tell them apart): no rows, as "" is.
  if (data === null && !wire.omitsEmpty()) return Result.err<SqlResult>(wire.missing(CAPABILITY, "query"));
  const rows = data === null ? new Array<SqlRow>() : readRows(data, base64Columns);
  if (rows === null) return Result.err<SqlResult>(new TarmacError(ErrorKind.InvalidResponse, E_BAD_ROWS(), 200, CAPABILITY, "query"));
  const inOrder = wire.omitsEmpty(); // the protobuf wire says the columns
  return Result.ok<SqlResult>(new SqlResult(rows, inOrder ? names : rows.length ? rows[0].names() : names, inOrder));
}

// Whether this Tarmac has no sql exec (it answered `callback not found`): then statements run
// through query. An instance keeps its host, so it asks once.
let noExec = false;

/**
 * Runs a statement through Tarmac's sql `exec` (protobuf, `main`), or through `query` on a
 * Tarmac without it.
 *
 * ```ts
 * const r = runExec("DELETE FROM sessions", false);
 * ```
 */
export function runExec(query: string, base64Columns: bool): Result<SqlExec> {
  const bad = checkQuery(query, "exec");
  if (bad) return Result.err<SqlExec>(bad);
  if (!noExec) {
    const text = bytes(query);
    wire.protobufRequest(0, text.length);
    wire.protobufData(1, text.dataStart, text.length);
    const reply = wire.protobufSend("tarmac", CAPABILITY, "exec");
    if (wire.unrouted(reply)) noExec = true;
    else {
      rowsAffected = 0; lastInsertId = 0;
      const err = wire.protobufReadReply(reply, readExecField, CAPABILITY, "exec", wire.SUCCESS_ON_206);
      if (err) return Result.err<SqlExec>(err);
      // 206: the status text says which count the driver could not give.
      const partial = wire.replyCode() == 206;
      const noRows = partial && wire.replyText().startsWith(HOST_NO_ROWS_AFFECTED());
      return Result.ok<SqlExec>(new SqlExec(rowsAffected, lastInsertId, !noRows, !partial || noRows));
    }
  }
  const r = runQuery(query, base64Columns);
  if (r.isErr) return Result.err<SqlExec>(r.error!);
  return Result.ok<SqlExec>(new SqlExec(0, 0, false, false));
}

// What the field readers read, for the call in progress.
let rowsJson: Uint8Array | null = null;
// @ts-ignore: decorator
@lazy let columns: string[] | null = null;
let rowsAffected: i64 = 0;
let lastInsertId: i64 = 0;

// query's `columns` (protobuf only) and `data`.
function readRowsField(): bool {
  if (wire.fieldIs(5, "data")) rowsJson = wire.fieldBytes();
  else if (wire.fieldIs(4, "columns")) wire.fieldTextList(columns!, E_WRONG_TYPE());
  else return false;
  return true;
}

// exec's `last_insert_id` and `rows_affected`.
function readExecField(): bool {
  if (wire.protobufFieldIs(2)) lastInsertId = wire.protobufFieldInt64(E_WRONG_TYPE());
  else if (wire.protobufFieldIs(3)) rowsAffected = wire.protobufFieldInt64(E_WRONG_TYPE());
  else return false;
  return true;
}

// The rows JSON: null, or an array of objects whose values are scalars (or JSON).
function readRows(json: Uint8Array, base64Columns: bool): SqlRow[] | null {
  const rows = new Array<SqlRow>();
  if (json.length == 0) return rows;
  const r = new JsonReader(json.dataStart, json.length);
  if (r.peek() == JsonType.Null) { r.null(); return r.finish() ? rows : null; }
  if (!r.startArray()) return null;
  while (r.nextItem()) {
    if (!r.startObject()) return null;
    const row = new SqlRow();
    while (r.nextKey()) {
      const name = r.keyText();
      const value = readValue(r, base64Columns);
      if (value === null) return null;
      row.columns.set(name, value);
    }
    rows.push(row);
  }
  return r.finish() ? rows : null;
}

function readValue(r: JsonReader, base64Columns: bool): SqlValue | null {
  const t = r.peek();
  if (t == JsonType.Null) { r.null(); return new SqlValue(SqlType.Null, ""); }
  if (t == JsonType.String) {
    const s = r.string();
    if (s === null) return null;
    if (!base64Columns) return new SqlValue(SqlType.Text, s);
    const text = bytes(s);
    const n = base64DecodedLength(text.dataStart, text.length);
    if (n < 0) return null;
    const out = Uint8Array.wrap(newBytes(<usize>n));
    if (!decodeBase64To(text.dataStart, text.length, out.dataStart)) return null;
    return new SqlValue(SqlType.Text, changetype<string>(decodeUtf8(out.dataStart, out.length, true)), out);
  }
  const start = r.mark();
  if (!r.skip()) return null;
  const raw = r.textSince(start);
  if (t == JsonType.Bool) return new SqlValue(SqlType.Bool, raw);
  if (t == JsonType.Number) return new SqlValue(SqlType.Number, raw);
  return new SqlValue(SqlType.Json, raw);
}

// The rows of a query's result.
function rowsOf(r: Result<SqlResult>): Result<SqlRow[]> {
  return r.isErr ? Result.err<SqlRow[]>(r.error!) : Result.ok<SqlRow[]>(r.value.rows);
}

/**
 * SQL on PostgreSQL (values as JSON types). Each call returns a Result. `exec` is for
 * statements without rows: on a Tarmac with exec (`main`) it reports the rows affected; on one
 * without, it runs through `query` and says it does not know (`SqlExec`).
 *
 * ```ts
 * const rows = sql.query("SELECT id, name FROM users ORDER BY id");
 * const done = sql.exec("DELETE FROM sessions WHERE expired");
 * ```
 */
export namespace sql {
  /** `sql.query("SELECT 1 AS one")` */
  export function query(q: string): Result<SqlRow[]> { return rowsOf(runQuery(q, false)); }
  /** Rows and columns in the database's order. `sql.queryResult("SELECT b, a FROM t").value.columns` */
  export function queryResult(q: string): Result<SqlResult> { return runQuery(q, false); }
  /** `const r = sql.exec("CREATE TABLE t (id int)"); if (r.isErr) log.error(r.error!.message);` */
  export function exec(q: string): Result<SqlExec> { return runExec(q, false); }
}

/**
 * SQL on MySQL or MariaDB: Tarmac's MySQL driver sends every column as bytes (base64 in the
 * JSON); these decode them, so `asString`, `asInt` and `asBytes` give the column's value.
 *
 * ```ts
 * const rows = mysql.query("SELECT id, name FROM users");
 * const made = mysql.exec("INSERT INTO t (name) VALUES ('x')"); // made.value.lastInsertId
 * ```
 */
export namespace mysql {
  /** `mysql.query("SELECT 1 AS one")` */
  export function query(q: string): Result<SqlRow[]> { return rowsOf(runQuery(q, true)); }
  /** Rows and columns in the database's order. `mysql.queryResult("SELECT b, a FROM t")` */
  export function queryResult(q: string): Result<SqlResult> { return runQuery(q, true); }
  /** `const r = mysql.exec("INSERT INTO t VALUES (1)"); if (r.isOk) log.info(r.value.lastInsertId.toString());` */
  export function exec(q: string): Result<SqlExec> { return runExec(q, true); }
}
