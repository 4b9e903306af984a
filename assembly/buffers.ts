// Who owns each buffer the SDK hands to the host or takes from it, and how long it lives.
// Every rule of this kind lives here, and each has a test of its own (tests/buffers.test.mjs).
//
// 1. Requests to the host. The SDK writes each request into one scratch buffer it owns; the
//    host reads it only during the host call. A scratch buffer grown past 1 MiB is given back
//    after the call, so one large value does not pin memory.
// 2. Replies from the host. A reply under 64 KiB is read into one reused buffer the SDK owns,
//    valid until the next host call. A larger one is read into a managed buffer of its own,
//    which the SDK may decode in place and hand out as the value (one buffer, no copy). A reply
//    given by a `setHostCall` fake is borrowed: it is read, never written.
// 3. Responses to Tarmac. wapc-go keeps the response as a view of guest memory, and Tarmac puts
//    the instance back in its pool before it writes that view to its caller, so later requests
//    can run on this instance while the response is still being read. The body a handler
//    returns therefore belongs to the SDK from then on, and the SDK keeps it (by reference, no
//    copy) while the retention policy says: the last `count` responses, and any younger than
//    `millis`, within `budgetBytes` (the oldest go first; the newest is always kept, so every
//    response outlives the whole of the next request). `retainResponses` tunes it from the
//    entry file.
// 4. Garbage is collected as each request starts, after rule 3 has let go of what it no longer
//    keeps; never as a request ends, since the response is read after `__guest_call` returns.
// 5. Blocks of 64 KiB to 8 MiB (requests, replies, values, request payloads) are sized so that
//    the allocator can hand the same block out again once it is free (see `newBytes`); without
//    this, an instance serving the same 1 MiB get over and over grows to four times the reply.

import { clock_time_get } from "./wapc";
import { OBJECT, TOTAL_OVERHEAD } from "rt/common";

// ---- 1. Request scratch ----------------------------------------------------------------------

const SCRATCH_KEEP: usize = 1 << 20;
let scratch: usize = 0;
let scratchCap: usize = 0;

/** The request scratch buffer, grown (its contents kept) to hold at least `need` bytes. `const p = requestBuffer(64);` */
export function requestBuffer(need: usize): usize {
  if (need > scratchCap) {
    // Twice the old size for a document that outgrows it as it is written, but only what is
    // asked for when that is more: a large request's writer knows its size (an 8 MiB value's
    // set takes 10.7 MiB, not 16).
    let cap = scratchCap << 1;
    if (cap < need) cap = need < 256 ? 256 : need;
    let next: usize;
    if (reusable(cap)) {
      const start = classStart(cap);
      next = heap.realloc(heap.alloc(start - 4), start + 12); // rule 5: grown in place
      cap = start + 12;
    } else {
      next = heap.alloc(cap);
    }
    if (scratch != 0) {
      memory.copy(next, scratch, scratchCap);
      heap.free(scratch);
    }
    scratch = next; scratchCap = cap;
  }
  return scratch;
}

/** How many bytes the request scratch buffer holds now. `requestCapacity()` */
export function requestCapacity(): usize {
  return scratchCap;
}

/** Called once a request has been sent: a scratch buffer over 1 MiB is given back. `requestSent()` */
export function requestSent(): void {
  if (scratchCap > SCRATCH_KEEP) { heap.free(scratch); scratch = 0; scratchCap = 0; }
}

// Raw buffers reused from call to call, grown when too small (what they held is not kept):
// slot 0 holds a host call's binding, namespace and operation names; slot 1 a small host reply.
// Each slot is [address][capacity].
const REUSED = memory.data(16);

function reused(slot: usize, size: usize, least: usize): usize {
  const at = REUSED + (slot << 3);
  let ptr = load<usize>(at);
  if (size > load<usize>(at, 4)) {
    if (ptr) heap.free(ptr);
    const cap = size < least ? least : size;
    ptr = heap.alloc(cap);
    store<usize>(at, ptr);
    store<usize>(at, cap, 4);
  }
  return ptr;
}

/** A reused buffer of at least `size` bytes for a host call's names. `namesBuffer(32)` */
export function namesBuffer(size: usize): usize {
  return reused(0, size, 64);
}

// ---- 2. Host replies -------------------------------------------------------------------------

/** Replies of this many bytes or more get a managed buffer of their own (rule 2). */
export const OWN_REPLY_FROM: usize = 1 << 16;

/** The reused buffer a small reply is read into, valid until the next host call. `smallReplyBuffer(120)` */
export function smallReplyBuffer(len: usize): usize {
  return reused(1, len, 256);
}

/**
 * A managed buffer of `len` bytes for a large reply, owned by the SDK (it may be decoded in
 * place). Not zero-filled: the host writes every byte. `const buf = ownedReplyBuffer(len);`
 */
export function ownedReplyBuffer(len: usize): ArrayBuffer {
  noteBytes(len);
  return newBytes(len);
}

// ---- 3. Response retention -------------------------------------------------------------------

/** At most this many responses are kept at once, whatever the policy asks (a power of two). */
export const MAX_RETAINED: i32 = 64;

// The policy (see rule 3); `retainResponses` changes it.
let keepCount: i32 = 8;
let keepMillis: i64 = 1000;
let keepBudget: usize = 16 << 20;

// The responses kept, oldest first, in a ring of MAX_RETAINED slots: their buffers in one
// managed array the collector follows (one object and the buffers, marked as each request
// starts), their sizes and times in static memory beside it. The array is made at first use:
// the SDK allocates nothing at the top level.
let keptBuffers: StaticArray<ArrayBuffer | null> | null = null;
const KEPT_BYTES = memory.data(MAX_RETAINED << 2); // usize per slot
const KEPT_BORN = memory.data(MAX_RETAINED << 3); // i64 per slot, ms
let first: i32 = 0; // the oldest slot
let kept: i32 = 0;
let keptBytes: usize = 0;

/**
 * Sets how long responses are kept after a request ends, because Tarmac may still be writing
 * them to their callers while later requests run (see the README's "Responses and memory").
 * Call it at the top level of the entry file. Defaults: 8 responses, 1000 ms, 16 MiB.
 *
 * ```ts
 * retainResponses(4, 500, 8 << 20); // the last 4, any under 0.5 s old, within 8 MiB
 * ```
 */
export function retainResponses(count: i32, millis: i32, budgetBytes: usize): void {
  keepCount = count < 1 ? 1 : count > MAX_RETAINED ? MAX_RETAINED : count;
  keepMillis = millis < 0 ? 0 : <i64>millis;
  keepBudget = budgetBytes;
}

/** How many responses are kept now. `retainedCount()` */
export function retainedCount(): i32 {
  return kept;
}

/** The bytes of the buffers behind the responses kept now. `retainedBytes()` */
export function retainedBytes(): usize {
  return keptBytes;
}

/**
 * Keeps `body` as the response just given to the host (rule 3). `keepResponse(body)`
 */
export function keepResponse(body: Uint8Array): void {
  if (kept == MAX_RETAINED) dropOldest();
  let ring = keptBuffers;
  if (!ring) { ring = new StaticArray<ArrayBuffer | null>(MAX_RETAINED); keptBuffers = ring; }
  // The whole buffer behind the body is kept (the host reads the body inside it), and counted
  // at its block's size from the allocator's header: a value decoded in place holds the whole
  // block its reply was read into (rule 2).
  const buffer = body.buffer;
  const bytes = changetype<OBJECT>(changetype<usize>(buffer) - TOTAL_OVERHEAD).mmInfo & ~3;
  const slot = (first + kept) & (MAX_RETAINED - 1);
  unchecked(ring[slot] = buffer);
  store<usize>(KEPT_BYTES + (<usize>slot << 2), bytes);
  store<i64>(KEPT_BORN + (<usize>slot << 3), keepMillis > 0 ? millisNow() : 0);
  keptBytes += bytes;
  kept++;
}

// Lets go of the responses the policy no longer keeps (called as a request starts).
function releaseResponses(): void {
  if (kept == 0) return;
  const now = keepMillis > 0 && kept > keepCount ? millisNow() : 0;
  // Beyond the newest `keepCount`, keep only what is younger than `keepMillis`.
  while (kept > keepCount && (keepMillis == 0 || now - load<i64>(KEPT_BORN + (<usize>first << 3)) >= keepMillis)) dropOldest();
  // Then the budget, but never the newest.
  while (kept > 1 && keptBytes > keepBudget) dropOldest();
}

function dropOldest(): void {
  unchecked(keptBuffers![first] = null);
  keptBytes -= load<usize>(KEPT_BYTES + (<usize>first << 2));
  first = (first + 1) & (MAX_RETAINED - 1);
  kept--;
}

// Milliseconds on the host's monotonic clock.
function millisNow(): i64 {
  const at = memory.data(8);
  clock_time_get(1, 1000000, at);
  return <i64>(load<u64>(at) / 1000000);
}

// ---- 5. Large blocks -------------------------------------------------------------------------

// The runtime's allocator (TLSF) files free blocks by size class (16 per power of two) and,
// so that any block it finds fits, looks for one in the class above the size asked for. A block
// of exactly the size asked for is therefore found only if its size is the start of a class,
// and the allocator's sizes never are (they end 4 bytes short of a 16-byte multiple): an
// instance that frees a 1 MiB reply and asks for the same size again takes new memory, 1.5 to
// 3 to 6 MiB, and more with responses kept. So a large block is made 12 bytes over the start of
// a class: asked for 4 bytes under it (which finds any block of that class or larger, and
// splits off the rest), then grown in place over what was split off. When it is freed, the same
// request finds it again. Assumes wasm32 (4-byte block header); the allocator's own figures are
// in std/assembly/rt/tlsf.ts.

/** Blocks from this size up are made reusable (rule 5)... */
const LARGE: usize = 1 << 16;
/**
 * ...and below this one. From 8 MiB up, memory has grown (the allocator doubles it) to hold
 * the same size again, while rounding up to a class would cost up to 512 KiB a block: an 8 MiB
 * set and get would peak at 41 MiB instead of 39.6.
 */
const HUGE: usize = 8 << 20;

// Whether a block of `n` bytes is made reusable.
// @ts-ignore: decorator
@inline function reusable(n: usize): bool {
  return n >= LARGE && n < HUGE;
}

// The smallest size-class start from which a block of 12 more bytes holds `need` bytes.
function classStart(need: usize): usize {
  const t = need - 12;
  const step = (<usize>1) << <usize>(27 - clz<u32>(<u32>t)); // 16 classes per power of two
  return (t + step - 1) & ~(step - 1);
}

// ASC_RUNTIME values (std/assembly/shared/runtime.ts).
// @ts-ignore: decorator
@inline const RUNTIME_MINIMAL = 1;
// @ts-ignore: decorator
@inline const RUNTIME_INCREMENTAL = 2;

/**
 * A managed ArrayBuffer of `n` bytes, not zero-filled (the caller writes every byte). From
 * 64 KiB up its block is one the allocator can reuse at the same size (rule 5).
 *
 * ```ts
 * const buf = newBytes(len); // then fill all `len` bytes
 * ```
 */
export function newBytes(n: usize): ArrayBuffer {
  // The incremental runtime cannot grow an object in place, so it gets a plain block.
  if (!reusable(n + 16) || ASC_RUNTIME != RUNTIME_MINIMAL) return changetype<ArrayBuffer>(__new(n, idof<ArrayBuffer>()));
  const start = classStart(n + 16); // the object header takes 16 bytes of the block
  const ptr = __renew(__new(start - 20, idof<ArrayBuffer>()), start - 4);
  changetype<OBJECT>(ptr - TOTAL_OVERHEAD).rtSize = <u32>n;
  return changetype<ArrayBuffer>(ptr);
}

/**
 * Makes `buf` a buffer of `n` bytes, `n` no more than it has, in place: the bytes past `n` stay
 * in its block and are freed with it (rule 2: a reply's buffer handed out as the value decoded
 * into its start). Only this module rewrites a block's header.
 *
 * ```ts
 * const value = Uint8Array.wrap(setByteLength(newBytes(64), 10)); // 10 bytes
 * ```
 */
export function setByteLength(buf: ArrayBuffer, n: usize): ArrayBuffer {
  changetype<OBJECT>(changetype<usize>(buf) - TOTAL_OVERHEAD).rtSize = <u32>n;
  return buf;
}

// ---- 4. Garbage ------------------------------------------------------------------------------

const COLLECT_AFTER: usize = 1 << 20;
let largeBytes: usize = 0;

/** Notes a buffer of `n` bytes moved in this request (only large ones count). `noteBytes(body.length)` */
export function noteBytes(n: usize): void {
  // Only the incremental runtime needs this; the minimal one collects as every request starts.
  if (ASC_RUNTIME == RUNTIME_INCREMENTAL && n >= LARGE) largeBytes += n;
}

/**
 * Called as each request starts, when nothing is on the stack: lets go of the responses the
 * policy no longer keeps, then collects garbage. The preset's minimal runtime never collects
 * on its own, so it collects every time; the incremental runtime collects after a request that
 * moved more than 1 MiB, so its lag does not grow the instance.
 *
 * ```ts
 * requestStarting();
 * ```
 */
export function requestStarting(): void {
  releaseResponses();
  if (ASC_RUNTIME == RUNTIME_MINIMAL) {
    __collect();
  } else if (ASC_RUNTIME == RUNTIME_INCREMENTAL) {
    if (largeBytes > COLLECT_AFTER) __collect();
    largeBytes = 0;
  }
}
