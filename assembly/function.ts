// Function-to-function calls: run another function of the same Tarmac service by name.

import { callHost } from "./host";
import { newBytes } from "./buffers";
import { Result } from "./result";
import { ErrorKind, TarmacError, E_CALLBACK_NOT_FOUND, E_HOST_FAILED, E_EMPTY_NAME, E_NO_FUNCTION, E_RESPONSE_TOO_LARGE } from "./errors";

// @ts-ignore: decorator (inlined, so a module that does not use this capability does not carry the name)
@lazy @inline const CAPABILITY: string = "function";

/**
 * Calls the function `name` of this service with `payload` and returns its response bytes.
 * A name Tarmac does not route (no `function` route for it) gives `NotFound`; an error the
 * other function returned gives `HostFailure` with its message.
 *
 * ```ts
 * const r = callFunction("resize", request); // hand the request on
 * if (r.isOk) return ok(r.value);
 * ```
 */
export function callFunction(name: string, payload: Uint8Array): Result<Uint8Array> {
  if (name.length == 0) return Result.err<Uint8Array>(new TarmacError(ErrorKind.InvalidInput, E_EMPTY_NAME(), 0, CAPABILITY, name));
  const reply = callHost("tarmac", CAPABILITY, name, payload.dataStart, payload.length);
  if (reply.ok) {
    if (reply.tooLarge) return Result.err<Uint8Array>(new TarmacError(ErrorKind.InvalidResponse, E_RESPONSE_TOO_LARGE(), 0, CAPABILITY, name));
    // A large reply is already in a buffer of its own (buffers.ts, rule 2): handed out as it is.
    if (reply.owned) return Result.ok<Uint8Array>(Uint8Array.wrap(reply.buffer!));
    const out = Uint8Array.wrap(newBytes(reply.bodyLen));
    memory.copy(out.dataStart, reply.bodyPtr, reply.bodyLen);
    return Result.ok<Uint8Array>(out);
  }
  const e = reply.error;
  if (e == E_CALLBACK_NOT_FOUND()) return Result.err<Uint8Array>(new TarmacError(ErrorKind.NotFound, E_NO_FUNCTION(), 0, CAPABILITY, name));
  return Result.err<Uint8Array>(new TarmacError(ErrorKind.HostFailure, e.length ? e : E_HOST_FAILED(), 0, CAPABILITY, name));
}
