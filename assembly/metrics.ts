// Tarmac's metrics capability: counters, gauges and histograms, exposed on Tarmac's /metrics.
// This file checks names and values and names the fields (spec/capabilities.mjs); what goes on
// the wire is wire.ts's. counter {name=1}; gauge {name=1, action=2}; histogram {name=1,
// value=2}; the reply is empty and a failure is its text alone (answers.ts).

import * as wire from "./wire";
import { metricsError } from "./answers";
import { ErrorKind, TarmacError, E_BAD_METRIC_NAME, E_BAD_METRIC_VALUE, E_RESERVED_METRIC_NAME } from "./errors";

// @ts-ignore: decorator (inlined, so a module that does not use this capability does not carry the name)
@lazy @inline const CAPABILITY: string = "metrics";

/**
 * Whether `name` is a metric name Tarmac accepts and its `/metrics` page shows as it is:
 * `^[a-zA-Z_:][a-zA-Z0-9_:]*$`. Tarmac's own check also lets a name start with a digit, but
 * the exposition then renames it (`9jobs` is shown as `_jobs`), so the SDK refuses that.
 * `isValidMetricName("http_hits")`
 */
export function isValidMetricName(name: string): bool {
  const n = name.length;
  if (n == 0) return false;
  for (let i = 0; i < n; i++) {
    const c = name.charCodeAt(i);
    const letter = (c | 32) >= 97 && (c | 32) <= 122;
    const digit = c >= 48 && c <= 57;
    if (!letter && !(digit && i > 0) && c != 58 && c != 95) return false; // 58 ':', 95 '_'
  }
  return true;
}

/**
 * Whether Tarmac registers `name` itself. Using such a name makes Tarmac's registry panic inside
 * the host call, which fails the whole request, so the SDK refuses it first.
 * `isReservedMetricName("go_goroutines") // true`
 */
export function isReservedMetricName(name: string): bool {
  return name == "http_server" || name == "scheduled_tasks" || name == "wasm_callbacks" || name == "wasm_functions"
    || name == "service_routes" || name.startsWith("go_") || name.startsWith("process_");
}

function send(operation: string, name: string, action: string, value: f64, hasValue: bool): TarmacError | null {
  if (!isValidMetricName(name)) return new TarmacError(ErrorKind.InvalidInput, E_BAD_METRIC_NAME(), 0, CAPABILITY, operation);
  if (isReservedMetricName(name)) return new TarmacError(ErrorKind.InvalidInput, E_RESERVED_METRIC_NAME(), 0, CAPABILITY, operation);
  if (hasValue && !isFinite(value)) return new TarmacError(ErrorKind.InvalidInput, E_BAD_METRIC_VALUE(), 0, CAPABILITY, operation);
  wire.request(<usize>name.length + <usize>action.length, 0);
  wire.text(1, "name", name);
  if (action.length) wire.text(2, "action", action);
  if (hasValue) wire.double(2, "value", value);
  const reply = wire.send("tarmac", CAPABILITY, operation);
  return reply.ok ? null : metricsError(reply.error, operation);
}

/**
 * Metrics. Names must match `^[a-zA-Z_:][a-zA-Z0-9_:]*$`; a name belongs to the first type
 * it is used with (another type gives a `Conflict` error). Each returns null or the error.
 *
 * ```ts
 * metrics.counter("cache_hits");
 * metrics.gaugeInc("requests_in_flight");
 * metrics.histogram("upstream_seconds", 0.042);
 * ```
 */
export namespace metrics {
  /** Adds one to a counter. `metrics.counter("hits")` */
  export function counter(name: string): TarmacError | null { return send("counter", name, "", 0, false); }
  /** Adds one to a gauge. `metrics.gaugeInc("in_flight")` */
  export function gaugeInc(name: string): TarmacError | null { return send("gauge", name, "inc", 0, false); }
  /** Takes one from a gauge. `metrics.gaugeDec("in_flight")` */
  export function gaugeDec(name: string): TarmacError | null { return send("gauge", name, "dec", 0, false); }
  /** Records an observation (Tarmac keeps it as a summary). `metrics.histogram("latency_seconds", 0.2)` */
  export function histogram(name: string, value: f64): TarmacError | null { return send("histogram", name, "", value, true); }
}
