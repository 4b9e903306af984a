// Turning a Tarmac host reply into success or a typed error. Every capability that answers
// with `{"status":{"code":...,"status":"..."}, ...}` goes through here.

import { HostReply } from "./host";
import { OBJECT, TOTAL_OVERHEAD } from "rt/common";
import { JsonReader, JsonType } from "./json";
import { base64DecodedLength, decodeBase64To } from "./base64";
import { bytes } from "./utf8";
import { newBytes } from "./buffers";
import {
  ErrorKind, TarmacError, E_BAD_BASE64, E_BAD_STATUS_CODE, E_CALLBACK_NOT_FOUND, E_EMPTY_RESPONSE, E_HOST_FAILED, E_HOST_STATUS_MISMATCH, E_INVALID_JSON, E_NO_DATA, E_NO_STATUS, E_RESPONSE_TOO_LARGE, E_UNAVAILABLE,
} from "./errors";

/** The `status` object of a reply, plus what went wrong while reading the reply. */
export class ReplyStatus {
  code: i32 = 0;
  text: string = "";
  /** Set when a field had the wrong type or content; the reply is then invalid. */
  problem: string = "";

  private static shared: ReplyStatus | null = null;

  /** A cleared status, reusing one object (read it before the next `fresh`). */
  static fresh(): ReplyStatus {
    let st = ReplyStatus.shared;
    if (!st) { st = new ReplyStatus(); ReplyStatus.shared = st; }
    st.code = 0; st.text = ""; st.problem = "";
    return st;
  }
}

/**
 * Reads a `status` object into `st`.
 *
 * ```ts
 * if (r.keyIs("status")) readStatus(r, st);
 * ```
 */
export function readStatus(r: JsonReader, st: ReplyStatus): void {
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

/**
 * Reads a base64 string field into bytes; anything that is not a string of canonical base64
 * (null included: Tarmac never sends it) sets `st.problem` and gives null.
 *
 * ```ts
 * const data = r.keyIs("data") ? readBase64(r, st, reply) : null;
 * ```
 */
export function readBase64(r: JsonReader, st: ReplyStatus, reply: HostReply): Uint8Array | null {
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
  let out = reply.buffer;
  if (out !== null && reply.owned && unescaped === null) {
    // A large reply the SDK read into a buffer of its own (buffers.ts, rule 2): decode in place
    // at its start (the output never overtakes the input, and what follows the string is
    // untouched), then hand it out at the value's length (the runtime frees the whole block
    // when the value goes). One buffer, no copy.
    reply.buffer = null; reply.owned = false; // the bytes before the string are gone
  } else {
    // Not zero-filled first (as `new Uint8Array` would): the decoder writes every byte.
    out = newBytes(<usize>n);
  }
  if (!decodeBase64To(p, len, changetype<usize>(out))) { st.problem = E_BAD_BASE64(); return null; }
  changetype<OBJECT>(changetype<usize>(out) - TOTAL_OVERHEAD).rtSize = <u32>n;
  return Uint8Array.wrap(out);
}

/**
 * The typed error for a reply, or null if it was a success. Call after reading the whole body
 * with `r` (`r.finish()` is checked here). `notFoundOn404` marks operations where 404 means
 * "no such key" (Tarmac also uses 404 for every failed delete).
 *
 * ```ts
 * const err = replyError(reply, r, st, "kvstore", "get", true);
 * ```
 */
export function replyError(reply: HostReply, r: JsonReader, st: ReplyStatus, capability: string, operation: string, notFoundOn404: bool): TarmacError | null {
  if (reply.bodyLen == 0 && !reply.ok && !reply.tooLarge) return hostFailure(reply.error, capability, operation);
  // Decide the kind, message and code, then build the one error.
  let kind = ErrorKind.InvalidResponse;
  let message: string;
  let code = st.code;
  if (reply.tooLarge) { message = E_RESPONSE_TOO_LARGE(); code = 0; }
  else if (reply.bodyLen == 0) { message = E_EMPTY_RESPONSE(); code = 0; }
  else if (!r.finish()) { message = reply.ok ? E_INVALID_JSON() : E_INVALID_JSON() + ": " + reply.error; code = 0; }
  else if (st.problem.length) message = st.problem;
  else if (code == 0) message = E_NO_STATUS();
  else if (code < 100 || code > 599) message = E_BAD_STATUS_CODE();
  else if (code >= 400) {
    // 400 is Tarmac's "your input is malformed". 404 means "no such key" only where the
    // operation says so (Tarmac answers 404 for every failed delete), and only when the store
    // said so: Tarmac answers a get with 404 for any failure of the store too (a Redis it cannot
    // reach), and a missing key is the one whose message ends with hord's ErrNil text.
    message = st.text.length ? st.text : reply.error;
    kind = code == 404 && notFoundOn404 && endsWithText(message, HORD_NIL) ? ErrorKind.NotFound
      : code == 400 ? ErrorKind.InvalidInput : ErrorKind.HostFailure;
  }
  else if (!reply.ok) message = E_HOST_STATUS_MISMATCH() + ": " + reply.error;
  else return null;
  return new TarmacError(kind, message, code, capability, operation);
}

/**
 * The error for a failed host call that sent no body: `callback not found` means the
 * capability is switched off.
 *
 * ```ts
 * const err = hostFailure(reply.error, "logger", "info");
 * ```
 */
export function hostFailure(error: string, capability: string, operation: string): TarmacError {
  if (sameText(error, E_CALLBACK_NOT_FOUND())) return new TarmacError(ErrorKind.Unavailable, E_UNAVAILABLE(), 0, capability, operation);
  return new TarmacError(ErrorKind.HostFailure, error.length ? error : E_HOST_FAILED(), 0, capability, operation);
}

// The base64 field `readReply` read, until `takeReplyData` hands it out.
let replyData: Uint8Array | null = null;

/**
 * Reads a reply that carries a status and, when `field` is given, one base64 field (then
 * missing is an error too), and returns its error or null. Take the field's bytes with
 * `takeReplyData`.
 *
 * ```ts
 * const err = readReply(reply, "data", "kvstore", "get", true); // reply: what callHost gave back
 * ```
 */
export function readReply(reply: HostReply, field: string | null, capability: string, operation: string, notFoundOn404: bool): TarmacError | null {
  const st = ReplyStatus.fresh();
  const r = JsonReader.over(reply.bodyPtr, reply.bodyLen);
  replyData = null;
  if (reply.bodyLen > 0 && r.startObject()) {
    while (r.nextKey()) {
      if (r.keyIs("status")) readStatus(r, st);
      else if (field !== null && r.keyIs(field)) replyData = readBase64(r, st, reply);
      else r.skip();
    }
  }
  const err = replyError(reply, r, st, capability, operation, notFoundOn404);
  if (err !== null) { replyData = null; return err; }
  if (field !== null && replyData === null) return new TarmacError(ErrorKind.InvalidResponse, E_NO_DATA(), st.code, capability, operation);
  return null;
}

/**
 * The bytes of the field the last `readReply` read (trimmed to their length), once; null if
 * there were none.
 *
 * ```ts
 * const data = takeReplyData();
 * ```
 */
export function takeReplyData(): Uint8Array | null {
  const data = replyData;
  replyData = null;
  return data;
}

// The text of hord's ErrNil, which every key:value driver of Tarmac returns for a missing key.
// @ts-ignore: decorator
@lazy @inline const HORD_NIL: string = "nil value returned from database";

// Whether `s` ends with `tail`.
function endsWithText(s: string, tail: string): bool {
  const n = <usize>tail.length << 1, m = <usize>s.length << 1;
  return n <= m && sameUnits(changetype<usize>(s) + m - n, changetype<usize>(tail), n);
}

// Whether two strings hold the same text (a small loop instead of String's general comparison).
function sameText(a: string, b: string): bool {
  const n = <usize>a.length << 1;
  return n == <usize>b.length << 1 && sameUnits(changetype<usize>(a), changetype<usize>(b), n);
}

// Whether the n bytes at p and q are the same.
function sameUnits(p: usize, q: usize, n: usize): bool {
  for (let i: usize = 0; i < n; i += 2) if (load<u16>(p + i) != load<u16>(q + i)) return false;
  return true;
}
