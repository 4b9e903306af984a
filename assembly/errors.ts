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
 * if (r.isErr && r.error!.kind == ErrorKind.NotFound) log.info("no user 1 yet");
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

// Messages the SDK writes itself: generated into messages.ts from scripts/messages.mjs, each a
// function returning the text (`E_EMPTY_KEY()`). The host's own messages pass through unchanged.
export * from "./messages";
