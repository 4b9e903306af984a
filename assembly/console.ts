// AssemblyScript's `console` and `trace`, routed to Tarmac's logger. The preset installs them
// (`use: console=..., trace=...`): without that, `console.log` imports `env.console.log`, which
// Tarmac does not provide, and the module fails to load.

import { logAt } from "./logger";

/**
 * Stands in for AssemblyScript's `console` (installed by the preset).
 *
 * ```ts
 * console.log("hello"); // Tarmac logs it at info level
 * ```
 */
export namespace tarmacConsole {
  export function assert<T>(condition: T, message: string = ""): void {
    if (!condition) logAt("error", "Assertion failed: " + message);
  }
  export function log(message: string = ""): void { logAt("info", message); }
  export function debug(message: string = ""): void { logAt("debug", message); }
  export function info(message: string = ""): void { logAt("info", message); }
  export function warn(message: string = ""): void { logAt("warn", message); }
  export function error(message: string = ""): void { logAt("error", message); }
  export function time(label: string = "default"): void {}
  export function timeLog(label: string = "default"): void {}
  export function timeEnd(label: string = "default"): void {}
}

/**
 * Stands in for AssemblyScript's `trace` (installed by the preset): logs at trace level.
 *
 * ```ts
 * trace("value", 1, 42); // "value 42"
 * ```
 */
export function tarmacTrace(message: string, n: i32 = 0, a0: f64 = 0, a1: f64 = 0, a2: f64 = 0, a3: f64 = 0, a4: f64 = 0): void {
  let text = message;
  if (n > 0) text += " " + a0.toString();
  if (n > 1) text += " " + a1.toString();
  if (n > 2) text += " " + a2.toString();
  if (n > 3) text += " " + a3.toString();
  if (n > 4) text += " " + a4.toString();
  logAt("trace", text);
}
