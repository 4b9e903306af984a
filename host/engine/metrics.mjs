// Tarmac's metrics callbacks (v0.10.0 and main) (pkg/callbacks/metrics): counters, gauges and summaries
// ("histogram") on a registry, errors as text only, an empty reply on success.
import { CallbackError, HostPanic } from "./errors.mjs";
import { goUnmarshal } from "./go-json.mjs";
import { profile as tarmacProfile } from "./profiles.mjs";
import { registryText, protobufFirst } from "./answer.mjs";
import { lastField, lastText } from "./protowire.mjs";

// Tarmac's error texts, which the SDK tells apart (spec/capabilities.mjs).
const INVALID_NAME = registryText("metrics", "invalid metric name");
const INVALID_ACTION = registryText("metrics", "invalid action");
const NAME_IN_USE = registryText("metrics", "metric name in use");

const NAME = /^[a-zA-Z0-9_:][a-zA-Z0-9_:]*$/;
// Names Tarmac registers itself: registering them again panics inside the host (MustRegister).
const BUILT_IN = /^(http_server|scheduled_tasks|wasm_callbacks|wasm_functions|service_routes|go_.*|process_.*)$/;

/** A registry as Prometheus would show it: { name: { type, value, observations } }. */
export class Metrics {
  constructor() { this.byName = new Map(); }
  get(name) { return this.byName.get(name); }

  /** The text Tarmac's /metrics shows for these metrics (empty help; histograms are summaries with quantiles 0.5, 0.9, 0.99). */
  exposition() {
    const lines = [];
    for (const [name, m] of this.byName) {
      if (m.type === "histogram") {
        const sorted = [...m.observations].sort((a, b) => a - b);
        const q = (p) => (sorted.length ? sorted[Math.max(0, Math.ceil(p * sorted.length) - 1)] : NaN);
        lines.push(`# HELP ${name} `, `# TYPE ${name} summary`, ...[0.5, 0.9, 0.99].map((p) => `${name}{quantile="${p}"} ${q(p)}`),
          `${name}_sum ${m.observations.reduce((a, b) => a + b, 0)}`, `${name}_count ${m.observations.length}`);
      } else {
        lines.push(`# HELP ${name} `, `# TYPE ${name} ${m.type}`, `${name} ${m.value}`);
      }
    }
    return lines.join("\n") + "\n";
  }
}

/** The metrics capability's operations: protobuf first with `profile`'s decoder, then JSON (Tarmac's answers are text only). */
export function metricsCallbacks(metrics, profile = tarmacProfile()) {
  const use = (name, type) => {
    if (!NAME.test(name)) throw new CallbackError(INVALID_NAME, Buffer.alloc(0));
    return type;
  };
  const register = (name, type) => {
    const m = metrics.byName.get(name);
    if (m && m.type !== type) throw new CallbackError(NAME_IN_USE, Buffer.alloc(0));
    if (!m && BUILT_IN.test(name)) throw new HostPanic(`duplicate metrics collector registration attempted`);
    if (!m) metrics.byName.set(name, { type, value: 0, observations: [] });
    return metrics.byName.get(name);
  };
  // The request, from protobuf (with `profile`'s decoder) or else JSON.
  const parse = (payload, fields, message) => protobufFirst(profile, message, (pb) => {
    const value = lastField(pb, 2);
    return { name: lastText(pb, 1), action: lastText(pb, 2), value: value?.length === 8 ? value.readDoubleLE(0) : 0 };
  }, () => {
    const req = goUnmarshal(payload, fields);
    if (!req) throw new CallbackError("unable to parse input JSON - invalid character", Buffer.alloc(0));
    return req;
  })(payload);
  return {
    counter(payload) {
      const { name } = parse(payload, { name: "" }, "metrics:counter");
      use(name);
      register(name, "counter").value++;
      return Buffer.alloc(0);
    },
    gauge(payload) {
      const { name, action } = parse(payload, { name: "", action: "" }, "metrics:gauge");
      use(name);
      if (action !== "inc" && action !== "dec") throw new CallbackError(INVALID_ACTION, Buffer.alloc(0));
      register(name, "gauge").value += action === "inc" ? 1 : -1;
      return Buffer.alloc(0);
    },
    histogram(payload) {
      const { name, value } = parse(payload, { name: "", value: 0 }, "metrics:histogram");
      use(name);
      register(name, "histogram").observations.push(value);
      return Buffer.alloc(0);
    },
  };
}
