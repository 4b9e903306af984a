// The `abort` the shipped preset installs (`use: abort=...`). wazero's own `env.abort` closes the
// whole instance, which Tarmac's pool keeps handing out dead. This one reports the message
// through `__guest_error` and Tarmac's logger, then traps: that ends only the current request,
// since `__guest_call` resets the shadow stack for the next one.
//
// It calls the host directly, not through host.ts and the request buffer (buffers.ts, rule 1),
// and allocates no managed objects, because an abort can come from anywhere: from inside the
// collector or the allocator (a managed allocation would then fail again or corrupt the heap),
// or while a request is half written in the request buffer (which host.ts's bookkeeping and
// rule 1 would then reuse or free under the writer). One raw block, freed before it returns, is
// all it takes. It pulls in no number formatting either, so it costs every module little.

import { __guest_error, __host_call } from "./wapc";
import { encodeUtf8 } from "./utf8";

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

function report(message: string | null, fileName: string | null, line: u32, column: u32): void {
  const text = message !== null ? message : "abort";
  let size = encodeUtf8(changetype<usize>(text), text.length, 0);
  if (fileName !== null) size += 4 + encodeUtf8(changetype<usize>(fileName), fileName.length, 0) + 22;
  const buf = heap.alloc(size);
  let p = buf + encodeUtf8(changetype<usize>(text), text.length, buf);
  if (fileName !== null) {
    store<u32>(p, 0x20746120); // " at "
    p += 4;
    p += encodeUtf8(changetype<usize>(fileName), fileName.length, p);
    p = writeNumber(writeNumber(p, line), column);
  }
  const len = (p - buf);
  __guest_error(buf, len);
  // wapc-go drops the __guest_error message when the call then traps: log it for operators too.
  const names = memory.data<u8>([116, 97, 114, 109, 97, 99, 108, 111, 103, 103, 101, 114, 101, 114, 114, 111, 114]);
  __host_call(names, 6, names + 6, 6, names + 12, 5, buf, len);
  heap.free(buf);
}

// Writes ":" and the decimal digits of n.
function writeNumber(p: usize, n: u32): usize {
  store<u8>(p++, 58);
  let digits = 1;
  for (let x = n; x >= 10; x /= 10) digits++;
  for (let i = digits - 1; i >= 0; i--) {
    store<u8>(p + i, <u8>(48 + n % 10));
    n /= 10;
  }
  return p + digits;
}
