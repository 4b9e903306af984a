// Wall-clock time through WASI, which Tarmac provides. AssemblyScript's own `Date.now()` imports
// `env.Date.now`, which Tarmac does not provide: a module that uses it fails to load there.

import { clock_time_get } from "./wapc";

/**
 * Milliseconds since the Unix epoch, from the host's clock.
 *
 * ```ts
 * const started = now();
 * ```
 */
export function now(): f64 {
  const at = memory.data(8);
  clock_time_get(0, 1000000, at); // the realtime clock, to the millisecond
  return <f64>load<u64>(at) / 1000000.0;
}
