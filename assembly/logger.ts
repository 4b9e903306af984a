// Tarmac's logger capability: info, warn, error, debug and trace. The message is the payload on
// every wire (nothing to encode); Tarmac writes it to its own log (debug and trace only when it
// runs with APP_DEBUG/APP_TRACE). The message is written into the request buffer (buffers.ts,
// rule 1), like every other request.

import { callHost } from "./host";
import { requestBuffer, requestSent } from "./buffers";
import { failureError } from "./answers";
import { TarmacError } from "./errors";
import { encodeUtf8 } from "./utf8";

// @ts-ignore: decorator (inlined, so a module that does not use this capability does not carry the name)
@lazy @inline const CAPABILITY: string = "logger";

/**
 * Sends `message` to Tarmac's log at `level` ("info", "warn", "error", "debug" or "trace").
 * Lone surrogates are written as U+FFFD, so any string can be logged. Returns null, or the
 * error if the host refused (Tarmac's logger itself never fails).
 *
 * ```ts
 * logAt("info", "cache miss for " + key);
 * ```
 */
export function logAt(level: string, message: string): TarmacError | null {
  const n = message.length;
  const buf = requestBuffer(<usize>n * 3 + 1);
  const len = encodeUtf8(changetype<usize>(message), n, buf);
  const reply = callHost("tarmac", CAPABILITY, level, buf, len);
  requestSent();
  return reply.ok ? null : failureError(reply.error, CAPABILITY, level);
}

/**
 * Sends `message`, bytes as they are (not checked as UTF-8), to Tarmac's log at `level`.
 * Returns null, or the error if the host refused.
 *
 * ```ts
 * logBytesAt("info", request); // the request body, exactly as it came
 * ```
 */
export function logBytesAt(level: string, message: Uint8Array): TarmacError | null {
  const reply = callHost("tarmac", CAPABILITY, level, message.dataStart, <usize>message.length);
  return reply.ok ? null : failureError(reply.error, CAPABILITY, level);
}

/**
 * The logger, one function per level.
 *
 * ```ts
 * log.info("request for " + path);
 * log.error("upstream failed: " + err.toString());
 * ```
 */
export namespace log {
  /** `log.info("started")` */
  export function info(message: string): TarmacError | null { return logAt("info", message); }
  /** `log.warn("slow upstream")` */
  export function warn(message: string): TarmacError | null { return logAt("warn", message); }
  /** `log.error("could not save")` */
  export function error(message: string): TarmacError | null { return logAt("error", message); }
  /** `log.debug("value: " + v)` (Tarmac shows it with APP_DEBUG) */
  export function debug(message: string): TarmacError | null { return logAt("debug", message); }
  /** `log.trace("entering")` (Tarmac shows it with APP_TRACE) */
  export function trace(message: string): TarmacError | null { return logAt("trace", message); }
}
