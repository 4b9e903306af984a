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
import { ErrorKind, TarmacError, E_EMPTY_QUERY, E_LONE_SURROGATE, E_BAD_ROWS, E_NOT_A_NUMBER, E_NOT_A_BOOL } from "./errors";

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
 * Runs `query` and returns its rows (empty for statements that return none).
 * `base64Columns` is for MySQL/MariaDB, whose values arrive base64-encoded.
 *
 * ```ts
 * const r = runQuery("SELECT id, name FROM users", false);
 * ```
 */
export function runQuery(query: string, base64Columns: bool): Result<SqlRow[]> {
  if (query.length == 0) return Result.err<SqlRow[]>(new TarmacError(ErrorKind.InvalidInput, E_EMPTY_QUERY(), 0, CAPABILITY, "query"));
  if (!isValidUnicode(query)) return Result.err<SqlRow[]>(new TarmacError(ErrorKind.InvalidInput, E_LONE_SURROGATE(), 0, CAPABILITY, "query"));
  const text = bytes(query);
  wire.request(0, text.length);
  wire.data(1, "query", text.dataStart, text.length);
  rowsJson = null;
  const err = wire.readReply(wire.send("tarmac", CAPABILITY, "query"), readRowsField, CAPABILITY, "query", false);
  const data = rowsJson;
  rowsJson = null;
  if (err) return Result.err<SqlRow[]>(err);
  if (data === null) return Result.err<SqlRow[]>(wire.missing(CAPABILITY, "query"));
  const rows = readRows(data, base64Columns);
  if (rows === null) return Result.err<SqlRow[]>(new TarmacError(ErrorKind.InvalidResponse, E_BAD_ROWS(), 200, CAPABILITY, "query"));
  return Result.ok<SqlRow[]>(rows);
}

// The rows' JSON the reply carried, for the call in progress.
let rowsJson: Uint8Array | null = null;

// query's `data`.
function readRowsField(): bool {
  if (!wire.fieldIs(5, "data")) return false;
  rowsJson = wire.fieldBytes();
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

/**
 * SQL on PostgreSQL (values as JSON types). Each call returns a Result; `exec` is for
 * statements without rows and runs through `query` (Tarmac v0.10.0 has no exec over JSON).
 *
 * ```ts
 * const rows = sql.query("SELECT id, name FROM users ORDER BY id");
 * const err = sql.exec("DELETE FROM sessions WHERE expired");
 * ```
 */
export namespace sql {
  /** `sql.query("SELECT 1 AS one")` */
  export function query(q: string): Result<SqlRow[]> { return runQuery(q, false); }
  /** `sql.exec("CREATE TABLE t (id int)")` */
  export function exec(q: string): TarmacError | null { return runQuery(q, false).error; }
}

/**
 * SQL on MySQL or MariaDB: Tarmac's MySQL driver sends every column as bytes (base64 in the
 * JSON); these decode them, so `asString`, `asInt` and `asBytes` give the column's value.
 *
 * ```ts
 * const rows = mysql.query("SELECT id, name FROM users");
 * ```
 */
export namespace mysql {
  /** `mysql.query("SELECT 1 AS one")` */
  export function query(q: string): Result<SqlRow[]> { return runQuery(q, true); }
  /** `mysql.exec("INSERT INTO t VALUES (1)")` */
  export function exec(q: string): TarmacError | null { return runQuery(q, true).error; }
}
