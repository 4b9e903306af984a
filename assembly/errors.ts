// Error kinds and every error message the SDK produces, in one place.

/** What went wrong, in a form a function can switch on. */
export enum ErrorKind {
  /** The key (or other named thing) does not exist. */
  NotFound = 1,
  /** The SDK or the host rejected the input before doing anything (empty key, lone surrogate...). */
  InvalidInput = 2,
  /** The host or its backing store failed (the host said 5xx, or failed without a status). */
  HostFailure = 3,
  /** The capability is switched off in this Tarmac (`callback not found`). */
  Unavailable = 4,
  /** The host answered something the SDK could not read (bad JSON, bad base64, missing status...). */
  InvalidResponse = 5,
  /** A stored value was asked for as text but is not valid UTF-8. */
  InvalidData = 6,
  /** A handler reported a failure (see `Result.err`). */
  Handler = 7,
  /** The name is already used for something else (a metric name reused for another type). */
  Conflict = 8,
}

/** The stable lower-case name of an error kind, e.g. `"not_found"`. */
export function errorKindName(kind: ErrorKind): string {
  switch (kind) {
    case ErrorKind.NotFound: return "not_found";
    case ErrorKind.InvalidInput: return "invalid_input";
    case ErrorKind.HostFailure: return "host_failure";
    case ErrorKind.Unavailable: return "unavailable";
    case ErrorKind.InvalidResponse: return "invalid_response";
    case ErrorKind.InvalidData: return "invalid_data";
    case ErrorKind.Handler: return "handler";
    case ErrorKind.Conflict: return "conflict";
  }
  return "unknown";
}

/**
 * A typed failure: its kind, the status code the host gave (0 when there was none), the
 * capability and operation it came from, and the message (the host's, when it sent one).
 *
 * ```ts
 * const r = kv.get("user:1");
 * if (!r.ok && r.error!.kind == ErrorKind.NotFound) { ... }
 * ```
 */
export class TarmacError extends Error {
  constructor(
    public kind: ErrorKind,
    message: string,
    /** The status code the host sent (0 if none). */
    public code: i32 = 0,
    /** e.g. "kvstore". */
    public capability: string = "",
    /** e.g. "get". */
    public operation: string = "",
  ) {
    super(message);
    this.name = "TarmacError";
  }

  /** `kvstore.get: not_found (404): Unable to fetch key ...` */
  toString(): string {
    let s = this.capability.length ? this.capability + "." + this.operation + ": " : "";
    s += errorKindName(this.kind);
    if (this.code != 0) s += " (" + this.code.toString() + ")";
    return s + ": " + this.message;
  }
}

// Messages the SDK writes itself (lazy and inlined, as in AssemblyScript's std/util/error.ts, so
// a module carries only the ones it can produce). The host's own messages pass through unchanged.
// @ts-ignore: decorator
@lazy @inline export const E_EMPTY_KEY: string = "key must not be empty";
// @ts-ignore: decorator
@lazy @inline export const E_EMPTY_VALUE: string = "value must not be empty (Tarmac rejects empty data)";
// @ts-ignore: decorator
@lazy @inline export const E_LONE_SURROGATE: string = "text contains a lone surrogate and is not valid Unicode";
// @ts-ignore: decorator
@lazy @inline export const E_TOO_LARGE: string = "input is too large (keys up to 1,048,576 characters, values up to 64 MiB)";
// @ts-ignore: decorator
@lazy @inline export const E_CALLBACK_NOT_FOUND: string = "callback not found";
// @ts-ignore: decorator
@lazy @inline export const E_UNAVAILABLE: string = "capability is not enabled on this Tarmac host (callback not found)";
// @ts-ignore: decorator
@lazy @inline export const E_HOST_FAILED: string = "host call failed without a message";
// @ts-ignore: decorator
@lazy @inline export const E_HOST_STATUS_MISMATCH: string = "host call failed but its status says success";
// @ts-ignore: decorator
@lazy @inline export const E_EMPTY_RESPONSE: string = "empty response";
// @ts-ignore: decorator
@lazy @inline export const E_INVALID_JSON: string = "response is not valid JSON";
// @ts-ignore: decorator
@lazy @inline export const E_RESPONSE_TOO_LARGE: string = "response is too large to read";
// @ts-ignore: decorator
@lazy @inline export const E_NO_STATUS: string = "response has no status code";
// @ts-ignore: decorator
@lazy @inline export const E_BAD_STATUS_CODE: string = "status code is out of range";
// @ts-ignore: decorator
@lazy @inline export const E_BAD_BASE64: string = "data is not valid standard padded base64";
// @ts-ignore: decorator
@lazy @inline export const E_NOT_UTF8: string = "value is not valid UTF-8";
// @ts-ignore: decorator
@lazy @inline export const E_HANDLER_FAILED: string = "handler failed";
// @ts-ignore: decorator
@lazy @inline export const E_NO_HANDLER: string = "no handler registered: call handle(fn) at the top level of your entry file";
// @ts-ignore: decorator
@lazy @inline export const E_NO_DATA: string = "response has no data";
// @ts-ignore: decorator
@lazy @inline export const E_BAD_KEYS: string = "keys is not an array of strings";
// @ts-ignore: decorator
@lazy @inline export const E_BAD_METRIC_NAME: string = "metric names must match ^[a-zA-Z_:][a-zA-Z0-9_:]*$";
// @ts-ignore: decorator
@lazy @inline export const E_BAD_METRIC_VALUE: string = "a histogram value must be a finite number";
// @ts-ignore: decorator
@lazy @inline export const E_EMPTY_NAME: string = "name must not be empty";
// @ts-ignore: decorator
@lazy @inline export const E_NO_FUNCTION: string = "no such function: Tarmac has no function route for it (callback not found)";
// @ts-ignore: decorator
@lazy @inline export const E_RESERVED_METRIC_NAME: string = "this metric name is Tarmac's own (http_server, scheduled_tasks, wasm_callbacks, wasm_functions, service_routes, go_*, process_*)";
// @ts-ignore: decorator
@lazy @inline export const E_BAD_METHOD: string = "method must be GET, POST, PUT, PATCH, DELETE or HEAD";
// @ts-ignore: decorator
@lazy @inline export const E_BAD_URL: string = "url must be an absolute http:// or https:// URL without spaces or control characters";
// @ts-ignore: decorator
@lazy @inline export const E_BAD_HEADER: string = "header names must be HTTP tokens and values must not contain control characters other than tab";
// @ts-ignore: decorator
@lazy @inline export const E_BAD_HEADERS: string = "response has a field of the wrong type";
// @ts-ignore: decorator
@lazy @inline export const E_EMPTY_QUERY: string = "query must not be empty";
// @ts-ignore: decorator
@lazy @inline export const E_BAD_ROWS: string = "rows are not a JSON array of objects (or MySQL values are not base64)";
// @ts-ignore: decorator
@lazy @inline export const E_NOT_A_NUMBER: string = "the value is not a number in range";
// @ts-ignore: decorator
@lazy @inline export const E_NOT_A_BOOL: string = "the value is not a boolean";
