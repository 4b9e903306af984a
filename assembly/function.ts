// Function-to-function calls: run another function of the same Tarmac service by name. The
// request and the reply are the functions' own bytes on every wire, so there is nothing to encode.

import { callHost } from "./host";
import { newBytes } from "./buffers";
import { functionErrorKind, hostFailure } from "./answers";
import { Result } from "./result";
import { ErrorKind, TarmacError, E_EMPTY_NAME, E_NO_FUNCTION, E_RESPONSE_TOO_LARGE } from "./errors";

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
    const own = reply.takeOwnedBuffer();
    if (own !== null) return Result.ok<Uint8Array>(Uint8Array.wrap(own));
    const out = Uint8Array.wrap(newBytes(reply.bodyLen));
    memory.copy(out.dataStart, reply.bodyPtr, reply.bodyLen);
    return Result.ok<Uint8Array>(out);
  }
  if (functionErrorKind(reply.error) == ErrorKind.NotFound) return Result.err<Uint8Array>(new TarmacError(ErrorKind.NotFound, E_NO_FUNCTION(), 0, CAPABILITY, name));
  return Result.err<Uint8Array>(hostFailure(reply.error, CAPABILITY, name));
}
