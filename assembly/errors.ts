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

// Messages the SDK writes itself. The host's own messages are passed through unchanged.
export const MSG_EMPTY_KEY = "key must not be empty";
export const MSG_EMPTY_VALUE = "value must not be empty (Tarmac rejects empty data)";
export const MSG_LONE_SURROGATE = "text contains a lone surrogate and is not valid Unicode";
export const MSG_TOO_LARGE = "input is too large";
export const MSG_CALLBACK_NOT_FOUND = "callback not found";
export const MSG_UNAVAILABLE = "capability is not enabled on this Tarmac host (callback not found)";
export const MSG_HOST_FAILED = "host call failed without a message";
export const MSG_HOST_STATUS_MISMATCH = "host call failed but its status says success";
export const MSG_EMPTY_RESPONSE = "empty response";
export const MSG_INVALID_JSON = "response is not valid JSON";
export const MSG_RESPONSE_TOO_LARGE = "response is too large to read";
export const MSG_NO_STATUS = "response has no status code";
export const MSG_BAD_STATUS_CODE = "status code is out of range";
export const MSG_BAD_BASE64 = "data is not valid standard padded base64";
export const MSG_NOT_UTF8 = "value is not valid UTF-8";
export const MSG_HANDLER_FAILED = "handler failed";
export const MSG_NO_HANDLER = "no handler registered: call handle(fn) at the top level of your entry file";
export const MSG_NO_DATA = "response has no data";
export const MSG_BAD_KEYS = "keys is not an array of strings";
