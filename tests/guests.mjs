// Paths of the test guests built by tests/build-guests.mjs, and instance helpers.
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { TarmacHost } from "../host/engine/tarmac-host.mjs";
import { Probe } from "./probe.mjs";

process.removeAllListeners("warning"); // node:wasi's ExperimentalWarning
const build = join(dirname(fileURLToPath(import.meta.url)), "build");
export const guests = {
  probe: join(build, "kv-probe.wasm"),
  probeDebug: join(build, "kv-probe.debug.wasm"),
  naive: join(build, "naive-kv.wasm"),
  noPreset: join(build, "no-preset.wasm"),
  noHandler: join(build, "no-handler.wasm"),
  caps: join(build, "caps-probe.wasm"),
  incremental: join(build, "kv-probe.incremental.wasm"),
  proto: join(build, "proto-probe.wasm"),
};

/** The wires the conformance guests are built for (tests/build-guests.mjs); json is the default build. */
export const WIRE_NAMES = ["json", "protobuf", "auto"];

/** kv-probe ("probe") and caps-probe ("caps") built for `wire`. */
export const wireGuests = (wire) => (wire === "json" ? { probe: guests.probe, caps: guests.caps }
  : { probe: join(build, `kv-probe.${wire}.wasm`), caps: join(build, `caps-probe.${wire}.wasm`) });

/** A fresh host with an in-memory store and one probe instance: { host, guest, probe }. */
export async function probeInstance(options = {}, wasm = guests.probe) {
  const host = new TarmacHost(options);
  const guest = await host.instantiate(wasm);
  return { host, guest, probe: new Probe(guest) };
}
