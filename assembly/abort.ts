// The `abort` the shipped preset installs (`use: abort=...`). wazero's own `env.abort` exits the
// whole instance, which Tarmac's pool may keep handing out dead. This one reports the message as
// the request's error through `__guest_error`; the `unreachable` the compiler puts after every
// abort then ends only the current request.

import { __guest_error } from "@wapc/as-guest/assembly/index";

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
}
