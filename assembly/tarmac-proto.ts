// Tarmac's protobuf wire: the codec behind wire.ts for the messages of
// tarmac-project/protobuf-definitions, which every Tarmac since v0.8.1 tries first. What makes
// it Tarmac's and not plain protobuf lives here and nowhere else:
// - a request is a scope: written into the request buffer by protobuf.ts's writer, sent and
//   closed by `send`; proto3 leaves empty strings, empty bytes and false out, and so does this;
// - replies are { status = 1: Status { code = 1, status = 2 }, ... }, read in one loop
//   (`readReply`) that hands every other field to the operation's reader; bytes are raw (no
//   base64) and a field proto3 left out is empty, not missing;
// - the two header encodings: v0.10.0's map<string, string> and main's map<string, Header>,
//   told apart once per instance by a probe (`hostWire`) that makes no request anywhere;
// - what a reply means is decided by answers.ts, the one table.
// The JSON names wire.ts passes along are not this wire's business.

import { callHost, HostReply } from "./host";
import { ProtoReader, ProtoWriter, WireType } from "./protobuf";
import { ReplyStatus, replyError } from "./answers";
import { decodeUtf8 } from "./utf8";
import { newBytes, setByteLength } from "./buffers";
import { ErrorKind, TarmacError, E_INVALID_PROTOBUF, E_NO_DATA, E_NOT_UTF8, E_WRONG_TYPE } from "./errors";

// ---- What the host speaks ---------------------------------------------------------------------

/** A host that answers JSON alone (before v0.8.1, or one without the HTTP client). */
export const HOST_JSON_ONLY: i32 = 1;
/** A host with the protobuf wire and one value per header (v0.8.1 to v0.10.x). */
export const HOST_PROTOBUF: i32 = 2;
/** A host with the protobuf wire and every value of a header (`main`'s `map<string, Header>`). */
export const HOST_PROTOBUF_HEADER_VALUES: i32 = 3;

// What the probe found (0: not probed yet). An instance keeps talking to the one host it was
// started by, so it probes once.
let host: i32 = 0;

/**
 * What the host speaks, found out on first use: one or two `httpclient` calls that no Tarmac
 * sends anywhere (the URL is empty, so Go's client fails before it dials). The first is an
 * HTTPClient whose one header name is the byte 0xFF: `main`'s decoder does not check UTF-8
 * and answers in protobuf; v0.10.0's proto.Unmarshal refuses it, and so does its JSON decoder,
 * so it answers in JSON. The second, `method: "GET"` alone, is answered in protobuf by every
 * Tarmac since v0.8.1 and in JSON by older ones.
 *
 * ```ts
 * import * as proto from "tarmac-as/assembly/tarmac-proto";
 * const multi = proto.hostWire() == proto.HOST_PROTOBUF_HEADER_VALUES;
 * ```
 */
export function hostWire(): i32 {
  if (host == 0) {
    host = answersInProtobuf(memory.data<u8>([0x0A, 3, 0x47, 0x45, 0x54, 0x12, 5, 0x0A, 1, 0xFF, 0x12, 0]), 12) ? HOST_PROTOBUF_HEADER_VALUES
      : answersInProtobuf(memory.data<u8>([0x0A, 3, 0x47, 0x45, 0x54]), 5) ? HOST_PROTOBUF : HOST_JSON_ONLY;
  }
  return host;
}

// Whether the host answers the HTTPClient at `ptr` with a protobuf reply: a message whose first
// field is a Status (a JSON reply starts with `{`, which no protobuf message can).
function answersInProtobuf(ptr: usize, len: usize): bool {
  const reply = callHost("tarmac", "httpclient", "call", ptr, len);
  const r = reader().reset(reply.bodyPtr, reply.bodyLen);
  if (!r.next() || r.field != 1 || r.wireType != WireType.Bytes) return false;
  while (r.skip() && r.next()) {}
  return r.finish();
}

// ---- Requests --------------------------------------------------------------------------------

/**
 * Starts a request whose fields hold about `textUnits` UTF-16 units of text and `dataBytes`
 * bytes of data, in a buffer sized once for them (it grows if that was not enough).
 *
 * ```ts
 * import * as proto from "tarmac-as/assembly/tarmac-proto";
 * proto.begin(5, 0); proto.text(1, "myKey");
 * const reply = proto.send("tarmac", "kvstore", "get");
 * ```
 */
export function begin(textUnits: usize, dataBytes: usize): void {
  ProtoWriter.begin(textUnits * 3 + dataBytes + 32);
}

// The request being written (between `begin` and `send`).
// @ts-ignore: decorator
@inline function writer(): ProtoWriter {
  return changetype<ProtoWriter>(ProtoWriter.shared);
}

/**
 * A string field, checked by its capability (proto3 leaves an empty one out).
 *
 * ```ts
 * import * as proto from "tarmac-as/assembly/tarmac-proto";
 * proto.text(1, "greeting");
 * ```
 */
export function text(field: u32, value: string): void {
  if (value.length) writer().string(field, value);
}

/**
 * A bytes field: the `len` bytes at `ptr`, as they are.
 *
 * ```ts
 * import * as proto from "tarmac-as/assembly/tarmac-proto";
 * const body = new Uint8Array(4);
 * proto.data(2, body.dataStart, body.length);
 * ```
 */
export function data(field: u32, ptr: usize, len: usize): void {
  if (len) writer().bytes(field, ptr, len);
}

/**
 * A boolean field (false is left out).
 *
 * ```ts
 * import * as proto from "tarmac-as/assembly/tarmac-proto";
 * proto.flag(5, true)
 * ```
 */
export function flag(field: u32, value: bool): void {
  if (value) writer().bool(field, true);
}

/**
 * A double field (0 is left out, -0 is not: as Go writes it).
 *
 * ```ts
 * import * as proto from "tarmac-as/assembly/tarmac-proto";
 * proto.double(2, 0.25)
 * ```
 */
export function double(field: u32, value: f64): void {
  if (reinterpret<u64>(value) != 0) writer().double(field, value);
}

/**
 * A map of header names to values, in the host's encoding (`hostWire`): every value of a
 * name where the host takes them (`values`, when it has the name), else the one in `map`.
 *
 * ```ts
 * import * as proto from "tarmac-as/assembly/tarmac-proto";
 * proto.textMap(2, new Map<string, string>(), null);
 * ```
 */
export function textMap(field: u32, map: Map<string, string>, values: Map<string, string[]> | null): void {
  const w = writer();
  const all = hostWire() == HOST_PROTOBUF_HEADER_VALUES;
  const names = map.keys();
  for (let i = 0; i < names.length; i++) {
    const name = names[i];
    if (!all) w.stringPair(field, name, map.get(name));
    else if (values !== null && values.has(name)) w.stringListPair(field, name, values.get(name));
    else w.stringListPair(field, name, [map.get(name)]);
  }
}

/**
 * Sends the request and closes its scope (the request buffer is given back, buffers.ts rule 1).
 * The reply is valid until the next host call.
 *
 * ```ts
 * import * as proto from "tarmac-as/assembly/tarmac-proto";
 * proto.begin(0, 0);
 * const reply = proto.send("tarmac", "kvstore", "keys");
 * ```
 */
export function send(binding: string, capability: string, operation: string): HostReply {
  const w = writer();
  const reply = callHost(binding, capability, operation, w.ptr, w.length);
  w.end();
  return reply;
}

/**
 * Sends the one request without fields, key:value `keys`: as KVStoreKeys { return_proto: true },
 * since an empty payload asks for JSON.
 *
 * ```ts
 * import * as proto from "tarmac-as/assembly/tarmac-proto";
 * const reply = proto.sendBare("tarmac", "kvstore", "keys");
 * ```
 */
export function sendBare(binding: string, capability: string, operation: string): HostReply {
  return callHost(binding, capability, operation, memory.data<u8>([0x08, 1]), 2);
}

// ---- Replies ---------------------------------------------------------------------------------

// The reader of the reply being read, the one for its nested messages, the status, and the reply
// (held by `readReply`'s caller meanwhile, so kept as an address the collector need not follow).
// Made on first use (a module that never reads protobuf carries none).
// @ts-ignore: decorator
@lazy let replyReader: ProtoReader | null = null;
// @ts-ignore: decorator
@lazy let nestedReader: ProtoReader | null = null;
// @ts-ignore: decorator
@lazy let headerReader: ProtoReader | null = null;
function reader(): ProtoReader {
  let r = replyReader;
  if (r === null) { r = new ProtoReader(0, 0); replyReader = r; }
  return r;
}
function nested(): ProtoReader {
  let r = nestedReader;
  if (r === null) { r = new ProtoReader(0, 0); nestedReader = r; }
  return r;
}
function header(): ProtoReader {
  let r = headerReader;
  if (r === null) { r = new ProtoReader(0, 0); headerReader = r; }
  return r;
}
// @ts-ignore: decorator
@inline function status(): ReplyStatus {
  return changetype<ReplyStatus>(ReplyStatus.shared);
}
let replyRead: usize = 0;

/**
 * The one reply loop: reads the Status (field 1), hands every other field to `fields` (null:
 * none), which takes it with the field functions below or returns false to have it skipped;
 * then returns the typed error (answers.ts, with its `rules`) or null.
 *
 * ```ts
 * import * as proto from "tarmac-as/assembly/tarmac-proto";
 * proto.begin(0, 0);
 * const err = proto.readReply(proto.send("tarmac", "kvstore", "keys"), null, "kvstore", "keys", 0);
 * ```
 */
export function readReply(reply: HostReply, fields: (() => bool) | null, capability: string, operation: string, rules: u32): TarmacError | null {
  const st = ReplyStatus.fresh();
  const r = reader().reset(reply.bodyPtr, reply.bodyLen);
  replyRead = changetype<usize>(reply);
  while (r.next()) {
    if (r.field == 1) readStatus(r, st);
    else if (fields === null || !fields()) r.skip();
  }
  replyRead = 0;
  return replyError(reply, r.finish() ? "" : E_INVALID_PROTOBUF(), st, capability, operation, rules);
}

/**
 * The error for a successful reply that lacks a field the operation needs.
 *
 * ```ts
 * import * as proto from "tarmac-as/assembly/tarmac-proto";
 * proto.missing("sql", "query") // InvalidResponse: response has no data
 * ```
 */
export function missing(capability: string, operation: string): TarmacError {
  return new TarmacError(ErrorKind.InvalidResponse, E_NO_DATA(), status().code, capability, operation);
}

/**
 * In a field reader: whether the field is number `field`.
 *
 * ```ts
 * import * as proto from "tarmac-as/assembly/tarmac-proto";
 * proto.fieldIs(2)
 * ```
 */
export function fieldIs(field: u32): bool {
  return reader().field == field;
}

// Whether the current field of `r`, a known one, has wire type `type`; if not, it is skipped
// and the reply's problem is the wrong type (at any depth: the reply, its Status, a header).
function typed(r: ProtoReader, type: u32): bool {
  if (r.wireType == type) return true;
  r.skip();
  status().problem = E_WRONG_TYPE();
  return false;
}

// The current field, when it is length-delimited: true with its span set; else the reply's
// problem is the wrong type (or the reader's own).
function span(r: ProtoReader): bool {
  return typed(r, WireType.Bytes) && r.bytes();
}

/**
 * In a field reader: the field's bytes, or null when it is not a bytes field (the reply is
 * then invalid). A large reply the SDK read into a buffer of its own (buffers.ts, rule 2) gives
 * its buffer: the bytes move to its start and nothing after them is touched.
 *
 * ```ts
 * import * as proto from "tarmac-as/assembly/tarmac-proto";
 * const value = proto.fieldBytes();
 * ```
 */
export function fieldBytes(): Uint8Array | null {
  const r = reader();
  if (!span(r)) return null;
  const n = r.spanLength;
  let out = changetype<HostReply>(replyRead).takeOwnedBuffer();
  if (out === null) out = newBytes(n);
  memory.copy(changetype<usize>(out), r.spanStart, n);
  return Uint8Array.wrap(setByteLength(out, n));
}

/**
 * In a field reader: an int64 field, or an int32 one (`int32`: the varint's low 32 bits, as
 * protobuf reads an int32), as an integer in [min, max]; otherwise `problem` becomes the
 * reply's error and the result is `fallback`.
 *
 * ```ts
 * import * as proto from "tarmac-as/assembly/tarmac-proto";
 * const code = proto.fieldInt(0, 999, 0, "response has a field of the wrong type", true);
 * ```
 */
export function fieldInt(min: i64, max: i64, fallback: i64, problem: string, int32: bool = false): i64 {
  const r = reader();
  if (r.wireType != WireType.Varint) { r.skip(); status().problem = problem; return fallback; }
  const raw = r.varint();
  const v = int32 ? <i64><i32>raw : <i64>raw;
  if (v < min || v > max) { status().problem = problem; return fallback; }
  return v;
}

/**
 * In a field reader: one map entry of a header name to its value (v0.10.0) or values (`main`)
 * into `into` (the first value) and `values` (every value, for a name with more than one).
 * `problem` is the reply's error when the entry is of the wrong shape.
 *
 * ```ts
 * import * as proto from "tarmac-as/assembly/tarmac-proto";
 * proto.fieldTextMap(new Map<string, string>(), null, "response has a field of the wrong type");
 * ```
 */
export function fieldTextMap(into: Map<string, string>, values: Map<string, string[]> | null, problem: string): void {
  const r = reader();
  if (!span(r)) return;
  const all = hostWire() == HOST_PROTOBUF_HEADER_VALUES;
  const e = nested().reset(r.spanStart, r.spanLength);
  let name = "";
  const list = new Array<string>();
  while (e.next()) {
    if (e.field == 1) {
      if (!typed(e, WireType.Bytes)) continue;
      const s = e.string();
      if (s !== null) name = s;
    } else if (e.field == 2) {
      if (!typed(e, WireType.Bytes)) continue;
      if (!all) { list.length = 0; const s = e.string(); if (s !== null) list.push(s); continue; }
      if (!e.bytes()) break;
      // A Header { values = 1 }, read by a reader of its own over the value's span. A value
      // given twice is one Header with the values of both, as protobuf merges a message.
      const h = header().reset(e.spanStart, e.spanLength);
      while (h.next()) {
        if (h.field != 1) h.skip();
        else if (typed(h, WireType.Bytes)) { const s = h.string(); if (s !== null) list.push(s); }
      }
      if (!h.finish()) { status().problem = problem; return; }
    } else e.skip();
  }
  if (!e.finish()) { status().problem = problem; return; }
  // A name given again replaces its entry, values and all (a protobuf map keeps the last).
  into.set(name, list.length ? list[0] : "");
  if (values !== null) {
    if (list.length > 1) values.set(name, list.slice(0));
    else if (values.has(name)) values.delete(name);
  }
}

/**
 * In a field reader: one string of a repeated string field, added to `into`. Text that is not
 * UTF-8 makes the reply's error `value is not valid UTF-8`.
 *
 * ```ts
 * import * as proto from "tarmac-as/assembly/tarmac-proto";
 * proto.fieldTextList(new Array<string>(), "keys is not an array of strings");
 * ```
 */
export function fieldTextList(into: string[], problem: string): void {
  const r = reader();
  if (r.wireType != WireType.Bytes) { r.skip(); status().problem = problem; return; }
  if (!r.bytes()) return;
  const s = decodeUtf8(r.spanStart, r.spanLength);
  if (s === null) { status().problem = E_NOT_UTF8(); return; }
  into.push(s);
}

// Reads a Status { code = 1, status = 2 } into `st`.
function readStatus(r: ProtoReader, st: ReplyStatus): void {
  if (!span(r)) return;
  const s = nested().reset(r.spanStart, r.spanLength);
  while (s.next()) {
    if (s.field == 1) { if (typed(s, WireType.Varint)) st.code = <i32>s.varint(); } // an int32: its low 32 bits
    else if (s.field == 2) { if (typed(s, WireType.Bytes)) { const t = s.string(); if (t !== null) st.text = t; } }
    else s.skip();
  }
  if (!s.finish()) st.problem = E_INVALID_PROTOBUF();
}
