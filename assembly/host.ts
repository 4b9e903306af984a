// The one place that talks to the waPC host. Every other file calls `callHost`.
//
// The raw imports are declared in wapc.ts. @wapc/as-guest's `hostCall` is not used: on a failed host call
// it throws away the response body, and Tarmac puts the status JSON there (a 404 for a missing
// key, for example). `callHost` keeps both the body and the error text.

import {
  __host_call,
  __host_response_len,
  __host_response,
  __host_error_len,
  __host_error,
} from "./wapc";
import { decodeUtf8, encodeUtf8 } from "./utf8";
import { namesBuffer, noteBytes, smallReplyBuffer, ownedReplyBuffer, OWN_REPLY_FROM } from "./buffers";
import { MAX_REPLY_BYTES } from "./limits";

/**
 * What a host call gave back: whether it succeeded, its body and its error text. The body is
 * valid until the next host call.
 *
 * ```ts
 * const reply = HostReply.of(true, String.UTF8.encode(`{"status":{"code":200,"status":"OK"}}`), "");
 * ```
 */
export class HostReply {
  /** Where the body starts in guest memory. */
  bodyPtr: usize = 0;
  /** The body's length in bytes; on a failed call Tarmac still fills it with the status JSON. */
  bodyLen: usize = 0;
  /** True when the host announced a body too large to read. */
  tooLarge: bool = false;
  /** The managed buffer holding the body, when it has one (large replies, fakes); else null. */
  buffer: ArrayBuffer | null = null;
  /**
   * True when the SDK allocated `buffer` for this reply alone, so it may decode the body in
   * place (buffers.ts, rule 2). A fake's buffer is only borrowed.
   */
  owned: bool = false;

  constructor(
    /** True when the host returned success (1). */
    public ok: bool,
    /** The host's error text ("" on success). */
    public error: string,
  ) {}

  /**
   * Hands over the buffer of a reply the SDK read into a buffer of its own (buffers.ts, rule 2),
   * once: the caller may then decode the body in place and keep the buffer as a value; the
   * reply no longer has a buffer. Null for a small reply or a fake's (which is only borrowed).
   *
   * ```ts
   * const buf = HostReply.of(true, new ArrayBuffer(0), "").takeOwnedBuffer(); // null: a fake's
   * ```
   */
  takeOwnedBuffer(): ArrayBuffer | null {
    const buf = this.buffer;
    if (!this.owned || buf === null) return null;
    this.buffer = null;
    this.owned = false;
    return buf;
  }

  /** A reply whose body is `body` (for fakes passed to `setHostCall`); the SDK reads it and never writes it. */
  static of(ok: bool, body: ArrayBuffer, error: string): HostReply {
    const r = new HostReply(ok, error);
    r.buffer = body;
    r.bodyPtr = changetype<usize>(body);
    r.bodyLen = body.byteLength;
    return r;
  }
}

/**
 * A function with the shape of a waPC host call. Tests of a user's function can swap the
 * default for a fake with `setHostCall`.
 *
 * ```ts
 * setHostCall((binding, namespace, operation, payload) =>
 *   HostReply.of(true, String.UTF8.encode(`{"status":{"code":200,"status":"OK"}}`), ""));
 * ```
 */
export type HostCall = (binding: string, namespace: string, operation: string, payload: ArrayBuffer) => HostReply;

let injected: HostCall | null = null;

/**
 * Replaces the host call used by every capability (pass null to restore the real one).
 *
 * ```ts
 * setHostCall(myFakeHost);
 * ```
 */
export function setHostCall(fn: HostCall | null): void {
  injected = fn;
}

// The reply object callHost fills; valid until the next call.
let shared: HostReply | null = null;

/**
 * Calls the host with `payloadLen` bytes at `payloadPtr`. The bytes are only read during the call.
 *
 * ```ts
 * const reply = callHost("tarmac", "kvstore", "keys", 0, 0);
 * ```
 */
export function callHost(binding: string, namespace: string, operation: string, payloadPtr: usize, payloadLen: usize): HostReply {
  noteBytes(payloadLen);
  const fake = injected;
  if (fake) {
    const copy = new ArrayBuffer(<i32>payloadLen);
    memory.copy(changetype<usize>(copy), payloadPtr, payloadLen);
    return fake(binding, namespace, operation, copy);
  }
  const buf = namesBuffer((<usize>(binding.length + namespace.length + operation.length)) * 3);
  const bLen = encodeUtf8(changetype<usize>(binding), binding.length, buf);
  const nLen = encodeUtf8(changetype<usize>(namespace), namespace.length, buf + bLen);
  const oLen = encodeUtf8(changetype<usize>(operation), operation.length, buf + bLen + nLen);
  const ok = __host_call(
    buf, bLen,
    buf + bLen, nLen,
    buf + bLen + nLen, oLen,
    payloadPtr, payloadLen,
  );
  let error = "";
  if (!ok) {
    const errorLen = <usize>__host_error_len();
    if (errorLen > 0 && errorLen <= MAX_REPLY_BYTES) {
      const buf = heap.alloc(errorLen);
      __host_error(buf);
      error = changetype<string>(decodeUtf8(buf, errorLen, true));
      heap.free(buf);
    }
  }
  let reply = shared;
  if (!reply) { reply = new HostReply(ok, error); shared = reply; }
  reply.ok = ok; reply.error = error; reply.tooLarge = false; reply.buffer = null; reply.owned = false;
  reply.bodyPtr = 0; reply.bodyLen = 0;
  const len = <usize>__host_response_len();
  if (len > MAX_REPLY_BYTES) {
    reply.tooLarge = true;
  } else if (len >= OWN_REPLY_FROM) {
    const buf = ownedReplyBuffer(len);
    __host_response(changetype<usize>(buf));
    reply.buffer = buf;
    reply.owned = true;
    reply.bodyPtr = changetype<usize>(buf);
    reply.bodyLen = len;
  } else if (len > 0) {
    const buf = smallReplyBuffer(len);
    __host_response(buf);
    reply.bodyPtr = buf;
    reply.bodyLen = len;
  }
  return reply;
}

/**
 * What `hostCall` gave back: whether the host reported success, its reply (bytes the function
 * owns) and its error text. On a failed call Tarmac still sends a reply (its status JSON).
 */
export class RawReply {
  constructor(
    /** True when the host returned success. */
    public ok: bool,
    /** The reply's bytes (empty when there was none, or when `tooLarge`). */
    public reply: Uint8Array,
    /** The host's error text ("" on success). */
    public error: string,
    /** True when the host announced a reply too large to read (over 1 GiB). */
    public tooLarge: bool,
  ) {}
}

/**
 * Calls the host directly, for what the SDK does not wrap: a newer operation, a protobuf
 * payload, another waPC binding. The payload is sent as it is and the reply comes back as it
 * is. It never traps: a failure is `ok == false` with the host's error text.
 *
 * ```ts
 * const r = hostCall("tarmac", "kvstore", "keys", new Uint8Array(0));
 * if (r.ok) log.info("keys: " + String.UTF8.decode(r.reply.buffer));
 * else log.error("keys failed: " + r.error);
 * ```
 */
export function hostCall(binding: string, namespace: string, operation: string, payload: Uint8Array): RawReply {
  const r = callHost(binding, namespace, operation, payload.dataStart, <usize>payload.length);
  let reply: Uint8Array;
  const buffer = r.takeOwnedBuffer();
  if (buffer !== null) {
    reply = Uint8Array.wrap(buffer); // a large reply is already a buffer of its own (buffers.ts, rule 2)
  } else {
    reply = new Uint8Array(<i32>r.bodyLen);
    memory.copy(reply.dataStart, r.bodyPtr, r.bodyLen);
  }
  return new RawReply(r.ok, reply, r.error, r.tooLarge);
}
