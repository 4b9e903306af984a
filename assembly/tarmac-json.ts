// Tarmac's JSON wire: the codec behind wire.ts for the documented JSON of every capability.
// What makes it Tarmac's and not plain JSON lives here and nowhere else:
// - the protobuf guard every request starts with, and the `|` it never writes (`begin`);
// - a request is a scope: written into the request buffer, sent and closed by `send`;
// - replies `{"status":{"code","status"}, ...}`, read in one loop (`readReply`) that hands
//   every other field to the operation's reader; bytes travel as strict, padded base64
//   (decoded in place for large replies);
// - what a reply means is decided by answers.ts, the one table.
// Field names are Go encoding/json's (matched in any case, as Go does); the protobuf field
// numbers wire.ts passes along are not this wire's business.

import { callHost, HostReply } from "./host";
import { JsonWriter, JsonReader, JsonType } from "./json";
import { ReplyStatus, replyError } from "./answers";
import { base64DecodedLength, base64EncodedLength, decodeBase64To } from "./base64";
import { bytes } from "./utf8";
import { newBytes, setByteLength } from "./buffers";
import { ErrorKind, TarmacError, E_BAD_BASE64, E_BAD_STATUS_CODE, E_INVALID_JSON, E_NO_DATA } from "./errors";

// ---- Requests --------------------------------------------------------------------------------

// The bytes before every request's `{`: CR and four spaces (see `begin`).
const PROTOBUF_GUARD_LENGTH: usize = 5;
// `|`, which a request never holds raw (see `begin`).
const PIPE: u32 = 124;

/**
 * Starts a request whose fields hold about `textUnits` UTF-16 units of text and `dataBytes`
 * bytes of data, in a buffer sized once for them as this wire writes them (text as UTF-8,
 * data as base64, 64 bytes for names and punctuation; it grows if that was not enough). The document starts with the protobuf
 * guard, CR and four spaces (JSON whitespace). Tarmac tries every request as protobuf before
 * JSON; with the guard no Tarmac decoder accepts it, whatever it holds:
 * - 0x0D is the tag of field 1 with wire type 5, and field 1 of every request message Tarmac
 *   has is length-delimited (wire type 2; spec/capabilities.mjs lists them and
 *   tests/protobuf.test.mjs checks it). `main`'s UnmarshalVT stops there: wrong wire type.
 * - v0.10.0's proto.Unmarshal keeps it as an unknown field with its 4 bytes (the spaces), then
 *   reads `{` (0x7B) as the start of group 15, which only the end-group tag 0x7C (`|`) can
 *   close; a request never holds that byte (`text` writes `|` as `\u007c`), and no other
 *   encoding of that tag is possible without a 0x00 or 0xFC byte, which UTF-8 JSON never has.
 * Go's JSON decoder skips the whitespace, so Tarmac reads the documented request.
 *
 * ```ts
 * import * as json from "tarmac-as/assembly/tarmac-json";
 * json.begin(5, 0); json.text("key", "myKey");
 * const reply = json.send("tarmac", "kvstore", "get");
 * ```
 */
export function begin(textUnits: usize, dataBytes: usize): void {
  const w = JsonWriter.begin(PROTOBUF_GUARD_LENGTH + textUnits * 3 + base64EncodedLength(dataBytes) + 64);
  w.raw(memory.data<u8>([13, 32, 32, 32, 32]), PROTOBUF_GUARD_LENGTH);
  w.startObject();
}

// The request being written (between `begin` and `send`): the one writer JsonWriter hands out.
// @ts-ignore: decorator
@inline function writer(): JsonWriter {
  return changetype<JsonWriter>(JsonWriter.shared);
}

// A string of a request, checked by its capability: as JSON.stringify writes it, with `|` as
// `\u007c` (see `begin`). The one copy of the writer's string loop a request needs.
function writeText(w: JsonWriter, s: string): void {
  w.stringEscaping(s, PIPE);
}

// A member's name.
function member(w: JsonWriter, name: string): void {
  writeText(w, name);
  w.colon();
}

/**
 * Writes the member `name` with the string `value`.
 *
 * ```ts
 * import * as json from "tarmac-as/assembly/tarmac-json";
 * json.text("key", "greeting");
 * ```
 */
export function text(name: string, value: string): void {
  const w = writer();
  member(w, name);
  writeText(w, value);
}

/**
 * Writes the member `name` with the `len` bytes at `ptr`, as base64.
 *
 * ```ts
 * import * as json from "tarmac-as/assembly/tarmac-json";
 * const body = new Uint8Array(4);
 * json.data("data", body.dataStart, body.length);
 * ```
 */
export function data(name: string, ptr: usize, len: usize): void {
  const w = writer();
  member(w, name);
  w.base64(ptr, len);
}

/**
 * Writes the member `name` with a boolean.
 *
 * ```ts
 * import * as json from "tarmac-as/assembly/tarmac-json";
 * json.flag("insecure", false);
 * ```
 */
export function flag(name: string, value: bool): void {
  const w = writer();
  member(w, name);
  w.bool(value);
}

/**
 * Writes the member `name` with a finite number.
 *
 * ```ts
 * import * as json from "tarmac-as/assembly/tarmac-json";
 * json.double("value", 0.5);
 * ```
 */
export function double(name: string, value: f64): void {
  const w = writer();
  member(w, name);
  w.number(value);
}

/**
 * Writes the member `name` with an object of string members.
 *
 * ```ts
 * import * as json from "tarmac-as/assembly/tarmac-json";
 * json.textMap("headers", new Map<string, string>());
 * ```
 */
export function textMap(name: string, map: Map<string, string>): void {
  const w = writer();
  member(w, name);
  w.startObject();
  const names = map.keys();
  for (let i = 0; i < names.length; i++) { member(w, names[i]); writeText(w, map.get(names[i])); }
  w.endObject();
}

/**
 * Sends the request and closes its scope: the request buffer is given back as buffers.ts
 * rule 1 says. The reply is valid until the next host call.
 *
 * ```ts
 * import * as json from "tarmac-as/assembly/tarmac-json";
 * json.begin(0, 0);
 * const reply = json.send("tarmac", "kvstore", "get");
 * ```
 */
export function send(binding: string, capability: string, operation: string): HostReply {
  const w = writer();
  w.endObject();
  const reply = callHost(binding, capability, operation, w.ptr, w.length);
  w.end();
  return reply;
}

/**
 * Sends a request without fields, as an empty payload (no `{}`: every Tarmac answers an empty
 * payload in JSON, and a non-empty one selects protobuf for `keys`).
 *
 * ```ts
 * import * as json from "tarmac-as/assembly/tarmac-json";
 * const reply = json.sendBare("tarmac", "kvstore", "keys");
 * ```
 */
export function sendBare(binding: string, capability: string, operation: string): HostReply {
  return callHost(binding, capability, operation, 0, 0);
}

// ---- Replies ---------------------------------------------------------------------------------

// The reply being read, while `readReply` hands its fields out: the one reader and status their
// classes hand out, and the reply (held by `readReply`'s caller meanwhile, so kept here as an
// address the collector need not follow).
// @ts-ignore: decorator
@inline function reader(): JsonReader {
  return changetype<JsonReader>(JsonReader.shared);
}
// @ts-ignore: decorator
@inline function status(): ReplyStatus {
  return changetype<ReplyStatus>(ReplyStatus.shared);
}
let replyRead: usize = 0;

/**
 * The one reply loop: reads `{"status":{...}, ...}`, hands every other field to `fields`
 * (null: none), which takes it with the field functions below or returns false to have it
 * skipped; then returns the typed error (answers.ts, with its `rules`) or null.
 *
 * ```ts
 * import * as json from "tarmac-as/assembly/tarmac-json";
 * json.begin(0, 0);
 * const err = json.readReply(json.send("tarmac", "kvstore", "set"), null, "kvstore", "set", 0);
 * ```
 */
export function readReply(reply: HostReply, fields: (() => bool) | null, capability: string, operation: string, rules: u32): TarmacError | null {
  const st = ReplyStatus.fresh();
  const r = JsonReader.over(reply.bodyPtr, reply.bodyLen);
  replyRead = changetype<usize>(reply);
  if (reply.bodyLen > 0 && r.startObject()) {
    while (r.nextKey()) {
      if (r.keyIs("status")) readStatus(r, st);
      else if (fields === null || !fields()) r.skip();
    }
  }
  replyRead = 0;
  return replyError(reply, r.finish() ? "" : E_INVALID_JSON(), st, capability, operation, rules);
}

/**
 * The error for a successful reply that lacks a field the operation needs.
 *
 * ```ts
 * import * as json from "tarmac-as/assembly/tarmac-json";
 * const err = json.missing("kvstore", "get"); // InvalidResponse: response has no data
 * ```
 */
export function missing(capability: string, operation: string): TarmacError {
  return new TarmacError(ErrorKind.InvalidResponse, E_NO_DATA(), status().code, capability, operation);
}

/**
 * In a field reader: whether the field is `name`.
 *
 * ```ts
 * import * as json from "tarmac-as/assembly/tarmac-json";
 * const isData = json.fieldIs("data");
 * ```
 */
export function fieldIs(name: string): bool {
  return reader().keyIs(name);
}

/**
 * In a field reader: the field's bytes (base64), or null when it is not canonical base64 (the reply is then invalid).
 *
 * ```ts
 * import * as json from "tarmac-as/assembly/tarmac-json";
 * const value = json.fieldBytes();
 * ```
 */
export function fieldBytes(): Uint8Array | null {
  const r = reader(), st = status();
  // Tarmac always sends a string here; null would only come from a broken host.
  if (r.peek() != JsonType.String) { r.skip(); st.problem = E_BAD_BASE64(); return null; }
  if (!r.plainSpan()) return null;
  let p = r.spanStart;
  let len = r.spanEnd - r.spanStart;
  let unescaped: Uint8Array | null = null; // held here until decoded
  if (r.spanEscaped) {
    // Legal but unusual (e.g. "\/"): unescape first.
    unescaped = bytes(r.spanText());
    p = unescaped.dataStart;
    len = unescaped.length;
  }
  const n = base64DecodedLength(p, len);
  if (n < 0) { st.problem = E_BAD_BASE64(); return null; }
  // A large reply the SDK read into a buffer of its own (buffers.ts, rule 2) is decoded in place
  // at its start: the output never overtakes the input, and what follows the string is
  // untouched. One buffer, no copy. Otherwise a new buffer, not zero-filled: the decoder writes
  // every byte.
  let out = unescaped === null ? changetype<HostReply>(replyRead).takeOwnedBuffer() : null;
  if (out === null) out = newBytes(<usize>n);
  if (!decodeBase64To(p, len, changetype<usize>(out))) { st.problem = E_BAD_BASE64(); return null; }
  return Uint8Array.wrap(setByteLength(out, <usize>n));
}

/**
 * In a field reader: the field as an integer in [min, max]; otherwise `problem` becomes the
 * reply's error and the result is `fallback`. `const code = fieldInt(0, 999, 0, "bad code");`
 */
export function fieldInt(min: i32, max: i32, fallback: i32, problem: string): i32 {
  const r = reader();
  const v = r.int(min, max);
  if (!r.badNumber) return <i32>v;
  status().problem = problem;
  return fallback;
}

/**
 * In a field reader: an object of string members into `into` (replacing what it held; `null`
 * leaves it as it is). `problem` is the reply's error when a member is not a string.
 *
 * ```ts
 * import * as json from "tarmac-as/assembly/tarmac-json";
 * json.fieldTextMap(new Map<string, string>(), "response has a field of the wrong type");
 * ```
 */
export function fieldTextMap(into: Map<string, string>, problem: string): void { // one value per name on this wire
  const r = reader();
  const t = r.peek();
  if (t == JsonType.Null) { r.null(); return; }
  if (t != JsonType.Object) { r.skip(); status().problem = problem; return; }
  into.clear();
  r.startObject();
  while (r.nextKey()) {
    const name = r.keyText();
    if (r.peek() != JsonType.String) { r.skip(); status().problem = problem; continue; }
    const value = r.string();
    if (value !== null) into.set(name, value);
  }
}

/**
 * In a field reader: an array of strings into `into` (replacing what it held; `null` leaves it
 * as it is). `problem` is the reply's error when it is something else.
 *
 * ```ts
 * import * as json from "tarmac-as/assembly/tarmac-json";
 * json.fieldTextList(new Array<string>(), "keys is not an array of strings");
 * ```
 */
export function fieldTextList(into: string[], problem: string): void {
  const r = reader();
  const t = r.peek();
  if (t == JsonType.Null) { r.null(); return; }
  if (t != JsonType.Array) { r.skip(); status().problem = problem; return; }
  into.length = 0;
  r.startArray();
  while (r.nextItem()) {
    if (r.peek() != JsonType.String) { r.skip(); status().problem = problem; continue; }
    const k = r.string();
    if (k !== null) into.push(k);
  }
}

// Reads a `status` object into `st`.
function readStatus(r: JsonReader, st: ReplyStatus): void {
  if (r.peek() == JsonType.Null) { r.null(); return; }
  if (!r.startObject()) return;
  while (r.nextKey()) {
    if (r.keyIs("code")) {
      if (r.peek() == JsonType.Null) { r.null(); continue; }
      const code = r.int(-2147483648, 2147483647);
      if (r.badNumber) st.problem = E_BAD_STATUS_CODE();
      else st.code = <i32>code;
    } else if (r.keyIs("status")) {
      if (r.peek() == JsonType.Null) { r.null(); continue; }
      const s = r.string();
      if (s !== null) st.text = s;
    } else {
      r.skip();
    }
  }
}
