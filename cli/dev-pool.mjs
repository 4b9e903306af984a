// tarmac-as dev: the wait for a pooled instance, as Tarmac's. Tarmac runs up to `pool_size` calls
// of a function at once; a request that finds every instance busy waits up to 5 s (POOL_WAIT) for
// one and then fails (HTTP 500). dev runs calls one at a time, but each request holds one of its
// function's `pool_size` places from its start to its answer, so a request that finds them all
// taken fails after the same wait - with Tarmac's error - instead of queueing for ever.
import { POOL_WAIT } from "../host/engine/profiles.mjs";

/** A function's pool of `size` places: `if (await gate.acquire()) try { ... } finally { gate.release(); }`. */
export class PoolGate {
  constructor(size, waitMs = POOL_WAIT.ms) {
    this.size = size;
    this.free = size;
    this.waitMs = waitMs;
    this.waiters = []; // oldest first, as wapc-go's ring buffer hands instances out
  }

  /** Resolves true once a place is held, or false after `waitMs` with none free. `const ok = await gate.acquire();` */
  acquire() {
    if (this.free > 0) { this.free--; return Promise.resolve(true); }
    return new Promise((resolve) => {
      const w = { resolve, timer: setTimeout(() => { this.waiters.splice(this.waiters.indexOf(w), 1); resolve(false); }, this.waitMs) };
      this.waiters.push(w);
    });
  }

  /** Gives a place back: to the oldest waiter, if any. `gate.release();` */
  release() {
    const w = this.waiters.shift();
    if (!w) { this.free++; return; }
    clearTimeout(w.timer);
    w.resolve(true);
  }
}
