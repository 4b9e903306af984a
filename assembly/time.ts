// Wall-clock time through WASI, which Tarmac provides. AssemblyScript's own `Date.now()` imports
// `env.Date.now`, which Tarmac does not provide: a module that uses it fails to load there.

import { Date as WasiDate } from "as-wasi/assembly";

/**
 * Milliseconds since the Unix epoch, from the host's clock.
 *
 * ```ts
 * const started = now();
 * ```
 */
export function now(): f64 {
  return WasiDate.now();
}
