// One host call straight into a TarmacHost's router, for the suites that read its answers
// without a guest (registry.test.mjs, host-protobuf.test.mjs).
import { CallbackError } from "../host/engine/tarmac-host.mjs";

/** How Tarmac's router answers one call: { ok, body, error } (a CallbackError is a failed call, its body kept). */
export function route(host, namespace, operation, payload) {
  try {
    return { ok: true, body: host.dispatch("tarmac", namespace, operation, payload), error: null };
  } catch (e) {
    if (!(e instanceof CallbackError)) throw e;
    return { ok: false, body: e.body, error: e.message };
  }
}
