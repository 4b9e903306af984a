// The `abort` the shipped preset installs (`use: abort=...`). wazero's own `env.abort` closes the
// whole instance, which Tarmac's pool keeps handing out dead. This one reports the message
// through `__guest_error` and Tarmac's logger, then traps: that ends only the current request,
// since `__guest_call` resets the shadow stack for the next one.

import { __guest_error } from "@wapc/as-guest/assembly/index";
import { callHost } from "./host";

let aborting = false;

/** Called by `__guest_call` at the start of every request. */
export function resetAbort(): void {
  aborting = false;
}

/**
 * The SDK's `abort`: sends "message at file:line:column" to the host as the request's error.
 * Installed by the preset; you do not call it yourself.
 *
 * ```json
 * "use": ["abort=~lib/tarmac-as/assembly/abort/tarmacAbort"]
 * ```
 */
export function tarmacAbort(
  message: string | null = null,
  fileName: string | null = null,
  lineNumber: u32 = 0,
  columnNumber: u32 = 0,
): void {
  if (!aborting) {
    aborting = true; // an abort while reporting an abort just traps
    report(message, fileName, lineNumber, columnNumber);
  }
  // abort never returns: end this request. __guest_call resets the stack for the next one.
  unreachable();
}

function report(message: string | null, fileName: string | null, lineNumber: u32, columnNumber: u32): void {
  let text = message !== null ? message : "abort";
  if (fileName !== null) text += " at " + fileName + ":" + lineNumber.toString() + ":" + columnNumber.toString();
  const bytes = String.UTF8.encode(text);
  __guest_error(<i32>changetype<usize>(bytes), bytes.byteLength);
  // wapc-go drops the __guest_error message when the call then traps, so also log it, where
  // Tarmac's operators will see it.
  callHost("tarmac", "logger", "error", changetype<usize>(bytes), bytes.byteLength);
}
