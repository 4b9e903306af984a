// WASI's clocks for a guest. By default a guest reads the machine's clocks through node:wasi;
// a host given a clock (`new TarmacHost({ clock })`) answers wasi_snapshot_preview1's
// clock_time_get from it instead, so a test can move time on without waiting.

/** WASI's errno values clock_time_get returns. */
const SUCCESS = 0;
const EINVAL = 28;

/**
 * A clock a test moves by hand: `advance(ms)`. The realtime clock (id 0) starts at the time it
 * was made; the monotonic clock (id 1) and the CPU-time clocks (ids 2, 3) start at `uptime`
 * (nanoseconds) and all move together.
 */
export class ManualClock {
  constructor({ realtime = BigInt(Date.now()) * 1000000n, uptime = 1000000000000n } = {}) {
    this.realtime = BigInt(realtime);
    this.uptime = BigInt(uptime);
    this.elapsed = 0n;
  }

  /** Moves every clock on by `ms` milliseconds (fractions to the nanosecond). */
  advance(ms) {
    this.elapsed += BigInt(Math.round(ms * 1e6));
    return this;
  }

  /** Nanoseconds on WASI clock `id` as a BigInt, or null for an id WASI does not have. */
  time(id) {
    if (id === 0) return this.realtime + this.elapsed;
    if (id >= 1 && id <= 3) return this.uptime + this.elapsed;
    return null;
  }
}

/**
 * `wasiImport` with clock_time_get answered by `clock` (any object with `time(id)` as
 * ManualClock has), writing to the memory `memory()` returns; the other WASI functions are
 * node:wasi's.
 */
export function withClock(wasiImport, clock, memory) {
  return {
    ...wasiImport,
    clock_time_get(id, precision, resultPtr) {
      const ns = clock.time(id);
      if (ns === null || ns === undefined) return EINVAL;
      new DataView(memory().buffer).setBigUint64(resultPtr >>> 0, BigInt(ns), true);
      return SUCCESS;
    },
  };
}
