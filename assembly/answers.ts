// Host answers -> typed errors: the one table. Every error the SDK reports for a host call that
// failed, or answered something it could not read, is decided here, in this order. The host texts
// are HOST_TEXTS of spec/capabilities.mjs (generated into messages.ts); tests/answers.test.mjs
// drives every row through a compiled function.
//
// | the host's answer                                             | kind            | code   |
// |---------------------------------------------------------------|-----------------|--------|
// | failed, no body, error `callback not found` (function route)  | NotFound        | 0      |
// | failed, no body, error `callback not found` (any other)       | Unavailable     | 0      |
// | failed, no body, a metrics text (`metric name in use`)        | Conflict        | 0      |
// | failed, no body, `invalid metric name` / `invalid action`     | InvalidInput    | 0      |
// | failed, no body, any other error                              | HostFailure     | 0      |
// | a reply too large, empty, unreadable or of the wrong shape    | InvalidResponse | 0 / st |
// | a status without a code, or a code outside 100-599            | InvalidResponse | code   |
// | status 400                                                    | InvalidInput    | 400    |
// | status 404 ending in hord's ErrNil, on a get                  | NotFound        | 404    |
// | status from 400 up ending in a store's refusal of the key or  | InvalidInput    | code   |
// |   value (HOST_STORE_REJECTIONS), on a key:value get/set/delete |                 |        |
// | any other status from 400 up                                  | HostFailure     | code   |
// | status 206 on a call the host failed, where the operation says | success        | 206    |
// |   so (sql exec: the driver could not count rows or give an id)  |                 |        |
// | a status under 400 on a call the host failed                  | InvalidResponse | code   |

import { HostReply } from "./host";
import {
  ErrorKind, TarmacError, E_BAD_STATUS_CODE, E_EMPTY_RESPONSE, E_HOST_FAILED, E_HOST_STATUS_MISMATCH, E_NO_STATUS,
  E_RESPONSE_TOO_LARGE, E_UNAVAILABLE, HOST_CALLBACK_NOT_FOUND, HOST_HORD_NIL, HOST_METRIC_NAME_IN_USE,
  HOST_INVALID_METRIC_NAME, HOST_INVALID_ACTION, HOST_STORE_REJECTIONS, HOST_STORE_REJECTIONS_LENGTH,
} from "./errors";

/** A rule of `replyError`: a 404 whose text ends in hord's ErrNil is `NotFound` (key:value get). */
export const NOT_FOUND_ON_404: u32 = 1;
/** A rule of `replyError`: a 206 is a success even though the host failed the call (sql exec). */
export const SUCCESS_ON_206: u32 = 2;
/** A rule of `replyError`: a status ending in a store's refusal (NATS: `nats: invalid key`...) is `InvalidInput` (key:value). */
export const STORE_REFUSES: u32 = 4;

/**
 * The status a reply carried, as a codec read it, plus what was wrong with the reply's shape.
 *
 * ```ts
 * const st = ReplyStatus.fresh(); // then a codec fills it from a reply
 * ```
 */
export class ReplyStatus {
  code: i32 = 0;
  text: string = "";
  /** Set when a field had the wrong type or content; the reply is then invalid. */
  problem: string = "";

  /** The status `fresh` hands out (one reply at a time). */
  static shared: ReplyStatus | null = null;

  /** A cleared status, reusing one object (read it before the next `fresh`). */
  static fresh(): ReplyStatus {
    let st = ReplyStatus.shared;
    if (!st) { st = new ReplyStatus(); ReplyStatus.shared = st; }
    st.code = 0; st.text = ""; st.problem = "";
    return st;
  }
}

/**
 * The typed error for a reply that carries a status, or null for a success. `unreadable` is the
 * codec's message when the body is not what its wire allows ("" when it read it).
 * `rules` are the operation's own: NOT_FOUND_ON_404 where 404 can mean "no such key" (Tarmac
 * also answers 404 for every failed delete), SUCCESS_ON_206 where 206 is a partial success.
 *
 * ```ts
 * const reply = HostReply.of(true, new ArrayBuffer(0), "");
 * const err = replyError(reply, "", ReplyStatus.fresh(), "kvstore", "get", NOT_FOUND_ON_404); // InvalidResponse: empty
 * ```
 */
export function replyError(reply: HostReply, unreadable: string, st: ReplyStatus, capability: string, operation: string, rules: u32): TarmacError | null {
  if (reply.bodyLen == 0 && !reply.ok && !reply.tooLarge) return failureError(reply.error, capability, operation);
  // Decide the kind, message and code, then build the one error.
  let kind = ErrorKind.InvalidResponse;
  let message: string;
  let code = st.code;
  if (reply.tooLarge) { message = E_RESPONSE_TOO_LARGE(); code = 0; }
  else if (reply.bodyLen == 0) { message = E_EMPTY_RESPONSE(); code = 0; }
  else if (unreadable.length) { message = reply.ok ? unreadable : unreadable + ": " + reply.error; code = 0; }
  else if (st.problem.length) message = st.problem;
  else if (code == 0) message = E_NO_STATUS();
  else if (code < 100 || code > 599) message = E_BAD_STATUS_CODE();
  else if (code >= 400) {
    message = st.text.length ? st.text : reply.error;
    kind = code == 404 && (rules & NOT_FOUND_ON_404) != 0 && endsWithText(message, HOST_HORD_NIL()) ? ErrorKind.NotFound
      : code == 400 || ((rules & STORE_REFUSES) != 0 && endsWithLine(message, HOST_STORE_REJECTIONS(), HOST_STORE_REJECTIONS_LENGTH)) ? ErrorKind.InvalidInput
      : ErrorKind.HostFailure;
  }
  else if (!reply.ok) {
    if (code == 206 && (rules & SUCCESS_ON_206) != 0) return null;
    message = E_HOST_STATUS_MISMATCH() + ": " + reply.error;
  }
  else return null;
  return new TarmacError(kind, message, code, capability, operation);
}

/**
 * The error for a failed host call that sent no status: the router's `callback not found`
 * (the capability is switched off), or the host's text.
 *
 * ```ts
 * const e = failureError("callback not found", "logger", "info"); // Unavailable
 * ```
 */
export function failureError(error: string, capability: string, operation: string): TarmacError {
  if (sameText(error, HOST_CALLBACK_NOT_FOUND())) return new TarmacError(ErrorKind.Unavailable, E_UNAVAILABLE(), 0, capability, operation);
  return hostFailure(error, capability, operation);
}

/**
 * The error for a failed metrics call: Tarmac's metrics answer with text alone.
 *
 * ```ts
 * const e = metricsError("metric name in use", "gauge"); // Conflict
 * ```
 */
export function metricsError(error: string, operation: string): TarmacError {
  const capability = "metrics";
  if (sameText(error, HOST_METRIC_NAME_IN_USE())) return new TarmacError(ErrorKind.Conflict, error, 0, capability, operation);
  if (sameText(error, HOST_INVALID_METRIC_NAME()) || sameText(error, HOST_INVALID_ACTION())) return new TarmacError(ErrorKind.InvalidInput, error, 0, capability, operation);
  return failureError(error, capability, operation);
}

/**
 * Whether the host has no route for the call at all (`callback not found`, no body): the
 * capability is off, or this Tarmac does not have the operation (sql exec before `main`).
 * `const off = isUnrouted(HostReply.of(false, new ArrayBuffer(0), "callback not found"));`
 */
export function isUnrouted(reply: HostReply): bool {
  return !reply.ok && reply.bodyLen == 0 && sameText(reply.error, HOST_CALLBACK_NOT_FOUND());
}

/**
 * The kind of a failed function-to-function call: `callback not found` means Tarmac has no
 * `function` route for the name (`NotFound`); anything else is the other function's failure.
 *
 * ```ts
 * const kind = functionErrorKind("callback not found"); // ErrorKind.NotFound
 * ```
 */
export function functionErrorKind(error: string): ErrorKind {
  return sameText(error, HOST_CALLBACK_NOT_FOUND()) ? ErrorKind.NotFound : ErrorKind.HostFailure;
}

/**
 * A `HostFailure` with the host's text (or, when it sent none, the SDK's).
 *
 * ```ts
 * const e = hostFailure("", "kvstore", "get"); // "host call failed without a message"
 * ```
 */
export function hostFailure(error: string, capability: string, operation: string): TarmacError {
  return new TarmacError(ErrorKind.HostFailure, error.length ? error : E_HOST_FAILED(), 0, capability, operation);
}

// Whether `s` ends with `tail`.
function endsWithText(s: string, tail: string): bool {
  const n = <usize>tail.length << 1, m = <usize>s.length << 1;
  return n <= m && sameUnits(changetype<usize>(s) + m - n, changetype<usize>(tail), n);
}

// Whether `s` ends with one of the texts in the `len` bytes at `texts`: ASCII, each written
// backwards and ended by "\n" (messages.ts), so one pass from the end of `s` compares them.
function endsWithLine(s: string, texts: usize, len: i32): bool {
  const end = changetype<usize>(s) + (<usize>s.length << 1);
  let at = end, same = true;
  for (let i: usize = 0; i < <usize>len; i++) {
    const c = load<u8>(texts + i);
    if (c == 10) { if (same) return true; at = end; same = true; continue; }
    at -= 2;
    same = same && at >= changetype<usize>(s) && load<u16>(at) == <u16>c;
  }
  return false;
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
