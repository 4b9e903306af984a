// Tarmac's metrics capability: counters, gauges and histograms, exposed on Tarmac's /metrics.

import { callHost } from "./host";
import { JsonWriter } from "./json";
import { ErrorKind, TarmacError, E_CALLBACK_NOT_FOUND, E_UNAVAILABLE, E_HOST_FAILED, E_BAD_METRIC_NAME, E_BAD_METRIC_VALUE, E_RESERVED_METRIC_NAME } from "./errors";

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
  const w = JsonWriter.request(<usize>name.length + 48);
  w.startObject();
  w.key("name"); w.string(name);
  if (action.length) { w.key("action"); w.string(action); }
  if (hasValue) { w.key("value"); w.number(value); }
  w.endObject();
  const reply = callHost("tarmac", CAPABILITY, operation, w.ptr, w.length);
  w.end();
  if (reply.ok) return null;
  // Tarmac's metrics errors are text only.
  const e = reply.error;
  if (e == E_CALLBACK_NOT_FOUND()) return new TarmacError(ErrorKind.Unavailable, E_UNAVAILABLE(), 0, CAPABILITY, operation);
  if (e == "metric name in use") return new TarmacError(ErrorKind.Conflict, e, 0, CAPABILITY, operation);
  if (e == "invalid metric name" || e == "invalid action") return new TarmacError(ErrorKind.InvalidInput, e, 0, CAPABILITY, operation);
  return new TarmacError(ErrorKind.HostFailure, e.length ? e : E_HOST_FAILED(), 0, CAPABILITY, operation);
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
