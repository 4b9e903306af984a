// A reference for what the SDK must answer to any protobuf host reply: the protobuf wire format
// and the SDK's rules, written again plainly in JavaScript (nothing here reads the SDK). The
// protobuf fuzzer (proto-hostile.mjs) compares the compiled guests against it, reply by reply.
//
// The messages are Tarmac's (tarmac-project/protobuf-definitions), each field by number:
//   Status               { int32 code = 1; string status = 2; }
//   KVStoreGetResponse   { Status status = 1; bytes data = 2; }             (set, delete: status alone)
//   KVStoreKeysResponse  { Status status = 1; repeated string keys = 2; }
//   SQLQueryResponse     { Status status = 1; repeated string columns = 4; bytes data = 5; }
//   SQLExecResponse      { Status status = 1; int64 last_insert_id = 2; int64 rows_affected = 3; }
//   HTTPClientResponse   { Status status = 1; int32 code = 2; map headers = 3; bytes body = 4; }
// where the header map is map<string, string> on v0.10.0 and map<string, Header> on main,
// Header { repeated string values = 1; }.
import { Kind } from "../probe.mjs";
import { expectedSql, failedStatusKind } from "./reference.mjs";
import { CAPABILITIES } from "../../spec/capabilities.mjs";

class Invalid extends Error {}
const invalid = () => { throw new Invalid(); };
const MAX_FIELD = 2 ** 29 - 1;
const strictUtf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }); // a leading U+FEFF is text too

/** A varint at p: [value as a BigInt, next position]. At most 10 bytes; the 10th may only be 0 or 1. */
function varint(b, p) {
  let v = 0n;
  for (let i = 0; i < 10; i++) {
    if (p >= b.length) invalid();
    const x = b[p++];
    if (i === 9 && x > 1) invalid();
    v |= BigInt(x & 0x7f) << BigInt(7 * i);
    if (x < 0x80) return [v, p];
  }
  return invalid();
}

/**
 * The fields of one message, in order: { num, type, value } (a BigInt for wire type 0, a Buffer
 * of 8 or 4 bytes for 1 and 5, the bytes for 2). Throws Invalid on anything the wire format
 * does not allow: a varint over 10 bytes or 64 bits, field number 0 or over 2^29 - 1, wire types
 * 3 and 4 (groups, which proto3 has none of) and 6 and 7 (unused), a value cut short, a length
 * past the end.
 */
export function fieldsOf(b) {
  const fields = [];
  let p = 0;
  while (p < b.length) {
    const [tag, q] = varint(b, p);
    p = q;
    const num = tag >> 3n, type = Number(tag & 7n);
    if (num === 0n || num > BigInt(MAX_FIELD)) invalid();
    let value;
    if (type === 0) [value, p] = varint(b, p);
    else if (type === 1 || type === 5) {
      const n = type === 1 ? 8 : 4;
      if (p + n > b.length) invalid();
      value = b.subarray(p, p + n);
      p += n;
    } else if (type === 2) {
      const [n, start] = varint(b, p);
      if (n > BigInt(b.length - start)) invalid();
      value = b.subarray(start, start + Number(n));
      p = start + Number(n);
    } else invalid();
    fields.push({ num: Number(num), type, value });
  }
  return fields;
}

// Field kinds of a schema: { [number]: { kind, repeated?, of? } }.
const int32 = { kind: "int32" }, int64 = { kind: "int64" }, string = { kind: "string" }, bytes = { kind: "bytes" };
const repeated = (f) => ({ ...f, repeated: true });
const message = (of) => ({ kind: "message", of });

const STATUS = { 1: int32, 2: string };
const HEADER = { 1: repeated(string) };
/** The reply messages by operation; `http` by header encoding. */
export const SCHEMAS = {
  get: { 1: message(STATUS), 2: bytes },
  set: { 1: message(STATUS) },
  delete: { 1: message(STATUS) },
  keys: { 1: message(STATUS), 2: repeated(string) },
  query: { 1: message(STATUS), 4: repeated(string), 5: bytes },
  exec: { 1: message(STATUS), 2: int64, 3: int64 },
  httpOneValue: { 1: message(STATUS), 2: int32, 3: repeated(message({ 1: string, 2: string })), 4: bytes },
  httpValues: { 1: message(STATUS), 2: int32, 3: repeated(message({ 1: string, 2: message(HEADER) })), 4: bytes },
};

/**
 * Decodes `b` as a message of `schema` with proto3's rules: { [number]: value } (an array for a
 * repeated field). A scalar seen twice keeps its last value, a repeated field gathers every
 * value, and a message seen twice is the merge of both (as if their bytes were one message).
 * Unknown fields are skipped; a known field with the wrong wire type, a string that is not
 * UTF-8 or a nested message that does not decode throws Invalid. A field left out is absent
 * (the caller gives proto3's zero value).
 */
export function decodeMessage(b, schema) {
  const out = {};
  const parts = {}; // the bytes of each singular message field, to merge
  for (const { num, type, value } of fieldsOf(b)) {
    const field = schema[num];
    if (!field) continue;
    const numeric = field.kind === "int32" || field.kind === "int64";
    if (type !== (numeric ? 0 : 2)) invalid();
    let v;
    if (field.kind === "int32") v = Number(BigInt.asIntN(32, value)); // an int32 is the varint's low 32 bits
    else if (field.kind === "int64") v = BigInt.asIntN(64, value);
    else if (field.kind === "string") { try { v = strictUtf8.decode(value); } catch { invalid(); } }
    else if (field.kind === "bytes") v = Buffer.from(value);
    else v = decodeMessage(value, field.of); // each occurrence must decode on its own
    if (field.repeated) (out[num] ??= []).push(v);
    else if (field.kind === "message") (parts[num] ??= []).push(value);
    else out[num] = v;
  }
  for (const [num, list] of Object.entries(parts)) out[num] = list.length === 1 ? decodeMessage(list[0], schema[num].of) : decodeMessage(Buffer.concat(list), schema[num].of);
  return out;
}

const CALLBACK_NOT_FOUND = "callback not found"; // Tarmac's router: no such callback
const KV_OPERATIONS = Object.keys(CAPABILITIES.kvstore.operations);

/**
 * Reads a reply by the SDK's rules for a reply with a status (answers.ts):
 * - an empty body on a failed call: `callback not found` is Unavailable (the capability is
 *   off), any other text HostFailure; an empty body on a successful call is InvalidResponse;
 * - a body that does not decode as the reply message: InvalidResponse;
 * - no status code (absent, or 0, which proto3 cannot tell apart) or one outside 100-599:
 *   InvalidResponse;
 * - 404 on a get whose text (the status's, or the call's error when the status has none) ends
 *   with hord's ErrNil: NotFound (Tarmac answers 404 for every failed get);
 * - 400: InvalidInput; any other code from 400 up: HostFailure;
 * - a code under 400 on a call the host failed: InvalidResponse, except 206 on sql exec (a
 *   count the driver could not give);
 * - otherwise a success.
 * `readable(body)` says whether the fields' values are ones the SDK reads (checked before the
 * status). Returns { kind } for an error, or { doc, code, text } for a success: the decoded
 * message and its status.
 */
function readReply(op, { ok, error = "", body }, schema, readable) {
  if (body.length === 0) return { kind: ok ? Kind.InvalidResponse : error === CALLBACK_NOT_FOUND ? Kind.Unavailable : Kind.HostFailure };
  let doc;
  try { doc = decodeMessage(body, schema); } catch (e) { if (e instanceof Invalid) return { kind: Kind.InvalidResponse }; throw e; }
  if (!readable(body)) return { kind: Kind.InvalidResponse };
  const code = doc[1]?.[1] ?? 0, text = doc[1]?.[2] ?? "";
  if (code < 100 || code > 599) return { kind: Kind.InvalidResponse };
  if (code >= 400) return { kind: failedStatusKind(code, text || error, KV_OPERATIONS.includes(op) ? op : "") };
  if (!ok && !(code === 206 && op === "exec")) return { kind: Kind.InvalidResponse };
  return { doc, code, text };
}

/**
 * What the SDK must answer to the protobuf reply { ok, error, body } for `op`: { kind } and, on
 * success, { value }. Options: `headerValues` (the host is main: header entries hold a Header),
 * `base64Columns` (mysql). The SDK reads the header map in the encoding of the Tarmac it talks
 * to (learnt once per instance), so an entry in the other encoding is read as this one's: a
 * deliberate rule, modelled by choosing the schema from the host.
 * - get: the data (absent: empty, as proto3 leaves it out);
 * - keys: every key, in order;
 * - set, delete, counter: nothing;
 * - query: { columns, rows } where rows is what the rows JSON gives (reference.mjs's rules,
 *   the same on both wires; absent data is empty, no rows);
 * - exec: { rowsAffected, lastInsertId, hasRowsAffected, hasLastInsertId } (BigInts; on a 206
 *   the status text says which count is missing);
 * - http: { status, headers: [name, values][] sorted by name, body }.
 */
export function expectedProto(op, reply, { headerValues = false, base64Columns = false } = {}) {
  if (op === "counter") return { kind: metricsKind(reply) };
  const schema = op === "http" ? (headerValues ? SCHEMAS.httpValues : SCHEMAS.httpOneValue) : SCHEMAS[op];
  // The SDK's rule for the upstream's code: 0 to 999, else the reply is invalid whatever its
  // status. It checks each code as it reads it, so one out of range is refused even when a later
  // one (the value proto3 keeps) is in range: a deliberate strictness, modelled here.
  const readable = (body) => op !== "http" || fieldsOf(body).every((f) => f.num !== 2 || inRange(Number(BigInt.asIntN(32, f.value))));
  const { kind, doc, text } = readReply(op, reply, schema, readable);
  if (kind !== undefined) return { kind };
  if (op === "get") return { kind: Kind.OK, value: doc[2] ?? Buffer.alloc(0) };
  if (op === "keys") return { kind: Kind.OK, value: doc[2] ?? [] };
  if (op === "query") {
    const rows = rowsOf(doc[5] ?? Buffer.alloc(0), base64Columns);
    return rows.kind === Kind.OK ? { kind: Kind.OK, value: { columns: doc[4] ?? [], rows: rows.value } } : { kind: rows.kind };
  }
  if (op === "exec") {
    // Tarmac's exec answers 206 when a count is missing, its text saying which: "Unable to get
    // rows affected - ..." (then the insert id is given), else the insert id is the one missing.
    const partial = (doc[1]?.[1] ?? 0) === 206;
    const noRows = partial && text.startsWith("Unable to get rows affected");
    return { kind: Kind.OK, value: { rowsAffected: doc[3] ?? 0n, lastInsertId: doc[2] ?? 0n, hasRowsAffected: !noRows, hasLastInsertId: !partial || noRows } };
  }
  if (op === "http") {
    return { kind: Kind.OK, value: { status: doc[2] ?? 0, headers: headersOf(doc[3] ?? [], headerValues), body: doc[4] ?? Buffer.alloc(0) } };
  }
  return { kind: Kind.OK };
}

const inRange = (code) => code >= 0 && code <= 999;

// The header map: a later entry with the same name replaces an earlier one (a protobuf map);
// an entry's absent name or value is "" or an empty Header. Reported as the caps probe's
// HTTP_VALUES op does: for each name, `headerValues(name)`, which looks the name up lower-cased
// and gives every value where there are several, else the one (first) value, "" for none.
function headersOf(entries, headerValues) {
  const lists = new Map();
  for (const e of entries) lists.set(e[1] ?? "", headerValues ? e[2]?.[1] ?? [] : [e[2] ?? ""]);
  return [...lists.keys()].sort().map((name) => {
    const list = lists.get(name.toLowerCase());
    const values = list === undefined ? [] : list.length > 1 ? list : [list[0] ?? ""];
    return [name, values];
  });
}

// The rows JSON, read by the rules reference.mjs already models for the JSON wire (the SDK reads
// the same document whichever wire carried it): given to it inside a JSON reply.
function rowsOf(data, base64Columns) {
  const body = Buffer.from(`{"status":{"code":200,"status":"OK"},"data":"${data.toString("base64")}"}`);
  return expectedSql({ ok: true, error: "", body }, base64Columns);
}

// Metrics answer with no body: only the call's success and its error text count.
function metricsKind({ ok, error = "" }) {
  if (ok) return Kind.OK;
  if (error === CALLBACK_NOT_FOUND) return Kind.Unavailable;
  if (error === "metric name in use") return Kind.Conflict;
  if (error === "invalid metric name" || error === "invalid action") return Kind.InvalidInput;
  return Kind.HostFailure;
}
