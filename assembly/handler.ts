// The waPC entry point and handler registration.
//
// A function's entry file registers one handler and re-exports `__guest_call`:
//
//   import { handle, ok } from "tarmac-as/assembly";
//   export { __guest_call } from "tarmac-as/assembly";
//   handle((request: Uint8Array): Result<Uint8Array> => ok("hello"));

import { __guest_request, __guest_response, __guest_error } from "./wapc";
import { Result } from "./result";
import { E_HANDLER_FAILED, E_NO_HANDLER, E_REQUEST_TOO_LARGE } from "./errors";
import { decodeUtf8, bytes } from "./utf8";
export { bytes };
import { resetAbort } from "./abort";
import { noteBytes, keepResponse, requestStarting, newBytes } from "./buffers";
import { MAX_REQUEST_BYTES } from "./limits";

/** A function handler: the request body in, a response body or an error out. */
export type Handler = (request: Uint8Array) => Result<Uint8Array>;

let registered: Handler | null = null;


/**
 * Registers the function's handler. Call it once, at the top level of the entry file; it only
 * stores the function, so it is safe in every pooled instance.
 *
 * ```ts
 * handle((request: Uint8Array): Result<Uint8Array> => ok("hello " + text(request)));
 * ```
 */
export function handle(fn: Handler): void {
  registered = fn;
}

/**
 * The waPC export Tarmac calls for each request. Re-export it from the entry file:
 *
 * ```ts
 * export { __guest_call } from "tarmac-as/assembly";
 * ```
 */
export function __guest_call(operationLen: usize, payloadLen: usize): bool {
  // A trap in an earlier request leaves the incremental runtime's shadow stack where it was;
  // without this reset a pooled instance dies after a few hundred traps. Nothing is on the
  // stack between requests.
  if (ASC_RUNTIME == 2) __stack_pointer = __heap_base; // the incremental runtime
  // Responses the policy no longer keeps are let go, and garbage collected, now that nothing
  // holds a reference on the stack (buffers.ts, rules 3 and 4).
  requestStarting();
  resetAbort();
  return dispatch(operationLen, payloadLen);
}

// Whether the operation Tarmac asked for is "handler" (its seven bytes compared as 4 + 2 + 1).
function isHandlerOperation(p: usize, len: usize): bool {
  return len == 7 && load<u32>(p) == 0x646E6168 && load<u16>(p, 4) == 0x656C && load<u8>(p, 6) == 0x72;
}

// Reports `Could not find function "<name>"`, as waPC's Go guest does, with the name's bytes as
// they came (no string is made: this costs every module only its bytes).
function unknownOperation(name: usize, len: usize): void {
  const prefix = memory.data<u8>([67, 111, 117, 108, 100, 32, 110, 111, 116, 32, 102, 105, 110, 100, 32, 102, 117, 110, 99, 116, 105, 111, 110, 32, 34]);
  const n: usize = 25;
  const message = heap.alloc(n + len + 1);
  memory.copy(message, prefix, n);
  memory.copy(message + n, name, len);
  store<u8>(message + n + len, 34);
  __guest_error(message, n + len + 1);
  heap.free(message);
}

function dispatch(operationLen: usize, payloadLen: usize): bool {
  if (payloadLen > MAX_REQUEST_BYTES || operationLen > MAX_REQUEST_BYTES) {
    guestError(E_REQUEST_TOO_LARGE());
    return false;
  }
  const operation = heap.alloc(operationLen);
  const payload = Uint8Array.wrap(newBytes(payloadLen)); // the host writes every byte
  __guest_request(operation, payload.dataStart);
  const known = isHandlerOperation(operation, operationLen);
  if (!known) unknownOperation(operation, operationLen);
  heap.free(operation);
  if (!known) return false;
  const fn = registered;
  if (!fn) {
    guestError(E_NO_HANDLER());
    return false;
  }
  noteBytes(payloadLen);
  const result = fn(payload);
  const error = result.error;
  let ok = error === null;
  if (ok) {
    const body = result.unwrapOr(payload);
    noteBytes(body.length);
    keepResponse(body); // Tarmac may read it after later requests have started (buffers.ts, rule 3)
    __guest_response(body.dataStart, body.length);
  } else {
    guestError(error!.message.length ? error!.message : E_HANDLER_FAILED());
  }
  return ok;
}

/**
 * Reports `message` to the host as this request's error (Tarmac answers HTTP 500; v0.10.0 logs the message).
 *
 * ```ts
 * guestError("database unavailable");
 * ```
 */
export function guestError(message: string): void {
  const b = bytes(message);
  __guest_error(b.dataStart, b.length);
}

/**
 * A successful response: a string (sent as UTF-8), a Uint8Array or an ArrayBuffer. The body
 * then belongs to the SDK: Tarmac may still be sending it after later requests have started
 * (buffers.ts, rule 3), so do not change it afterwards.
 *
 * ```ts
 * return ok("done");
 * ```
 */
export function ok<T>(body: T): Result<Uint8Array> {
  if (isString<T>()) return Result.ok<Uint8Array>(bytes(changetype<string>(body)));
  if (body instanceof Uint8Array) return Result.ok<Uint8Array>(changetype<Uint8Array>(body));
  if (body instanceof ArrayBuffer) return Result.ok<Uint8Array>(Uint8Array.wrap(changetype<ArrayBuffer>(body)));
  ERROR("ok() takes a string, a Uint8Array or an ArrayBuffer");
  return unreachable();
}

/**
 * A failed response: Tarmac answers HTTP 500 (v0.10.0 logs `message`; a calling function receives it).
 *
 * ```ts
 * return fail("missing name");
 * ```
 */
export function fail(message: string): Result<Uint8Array> {
  return Result.fail<Uint8Array>(message);
}

/**
 * The request (or any bytes) as text; invalid UTF-8 becomes U+FFFD.
 *
 * ```ts
 * const name = text(request);
 * ```
 */
export function text(bytes: Uint8Array): string {
  return changetype<string>(decodeUtf8(bytes.dataStart, bytes.length, true));
}
