// The waPC entry point and handler registration.
//
// A function's entry file registers one handler and re-exports `__guest_call`:
//
//   import { handle, ok } from "tarmac-as/assembly";
//   export { __guest_call } from "tarmac-as/assembly";
//   handle((request: Uint8Array): Result<Uint8Array> => ok("hello"));

import { __guest_request, __guest_response, __guest_error } from "./wapc";
import { Result } from "./result";
import { E_HANDLER_FAILED, E_NO_HANDLER } from "./errors";
import { decodeUtf8, bytes } from "./utf8";
export { bytes };
import { resetAbort } from "./abort";
import { noteBytes, takeLargeBytes } from "./host";

/** A function handler: the request body in, a response body or an error out. */
export type Handler = (request: Uint8Array) => Result<Uint8Array>;

let registered: Handler | null = null;
// wapc-go hands Tarmac the response as a view of guest memory, and Tarmac v0.10.0 puts the
// instance back in its pool before it writes that view to the HTTP client, so later requests
// can run on this instance first and reuse the memory (under load through real Tarmac, about 1
// response in 10,000 came back overwritten). So a response of up to 16 KiB is copied into a
// ring of RESPONSE_RING bytes, where it stays untouched until later responses have filled the
// ring. A larger one is handed over in place: keeping it would hold its memory through the next
// request (an 8 MiB get followed by an 8 MiB set would need twice the memory).
const RESPONSE_RING: usize = 64 << 10;
let ring: usize = 0;
let ringAt: usize = 0;

function respond(body: Uint8Array): void {
  const n = <usize>body.length;
  if (n > RESPONSE_RING >> 2) {
    __guest_response(body.dataStart, n);
    return;
  }
  if (ringAt + n > RESPONSE_RING) ringAt = 0;
  const at = ring + ringAt;
  memory.copy(at, body.dataStart, n);
  ringAt += n;
  __guest_response(at, n);
}

// Requests larger than this are refused rather than allocated (the runtime's largest block).
const MAX_REQUEST: usize = (1 << 30) - 64;
const COLLECT_AFTER: usize = 1 << 20;
// ASC_RUNTIME values (std/assembly/shared/runtime.ts).
const RUNTIME_MINIMAL = 1;
const RUNTIME_INCREMENTAL = 2;

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
  if (ASC_RUNTIME == RUNTIME_INCREMENTAL) __stack_pointer = __heap_base;
  // Collect what earlier requests left behind here, at the start of a request: nothing holds a
  // reference on the stack now.
  if (ASC_RUNTIME == RUNTIME_MINIMAL) {
    // The preset's runtime never collects on its own, and nothing holds a reference now.
    __collect();
  } else if (ASC_RUNTIME == RUNTIME_INCREMENTAL) {
    // After a request that moved megabytes, collect rather than let the incremental GC's lag
    // grow the instance; the cost is small next to the bytes moved.
    if (takeLargeBytes(COLLECT_AFTER)) __collect();
  }
  // The response ring is allocated before anything else, low in the heap, so it does not
  // split the free memory that large requests need.
  if (!ring) ring = heap.alloc(RESPONSE_RING);
  resetAbort();
  return dispatch(operationLen, payloadLen);
}

function dispatch(operationLen: usize, payloadLen: usize): bool {
  if (payloadLen > MAX_REQUEST || operationLen > MAX_REQUEST) {
    guestError("request is too large");
    return false;
  }
  const operation = heap.alloc(operationLen);
  const payload = new Uint8Array(<i32>payloadLen);
  __guest_request(operation, payload.dataStart);
  heap.free(operation);
  const fn = registered;
  if (!fn) {
    guestError(E_NO_HANDLER);
    return false;
  }
  noteBytes(payloadLen);
  const result = fn(payload);
  const error = result.error;
  let ok = error === null;
  if (ok) {
    const body = result.unwrapOr(payload);
    noteBytes(body.length);
    respond(body);
  } else {
    guestError(error!.message.length ? error!.message : E_HANDLER_FAILED);
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
 * A successful response: a string (sent as UTF-8), a Uint8Array or an ArrayBuffer.
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
