// The Tarmac versions the test host can behave as. A test picks one with
// `new TarmacHost({ profile: "main" })`; the default is the latest release.
//
// Both versions put the instance back in its pool before they read its response (a view of
// guest memory), so later calls can run on it first: the host's Pool models that for both.
import { unmarshalV010, unmarshalVT } from "./protowire.mjs";
import { PROTO_MESSAGES } from "../../spec/capabilities.mjs";

/**
 * How long a request waits for a free instance of its function's pool before Tarmac gives up
 * (pkg/wasm's DefaultPoolTimeout, both versions), and the error it fails with: wapc-go's pool
 * wrapping the ring buffer's timeout. The HTTP caller gets the profile's `handlerErrorBody` of it.
 */
export const POOL_WAIT = { ms: 5000, error: "could not fetch module from pool - get from pool timed out: queue: poll timed out" };

export const PROFILES = {
  "v0.10.0": {
    name: "v0.10.0",
    /** proto.Unmarshal into the request message of `capability:operation`: fields or null. */
    decode: (payload, message) => unmarshalV010(payload, PROTO_MESSAGES[message]),
    /** The body an HTTP caller gets when the handler fails (v0.10.0: none; the message is logged). */
    handlerErrorBody: () => "",
    /** lib/pq v1.10: an error is "pq: <message>". */
    pqErrorPositions: false,
    /** sql:exec is not registered: a call to it is "callback not found". */
    sqlExec: false,
    /** HTTPClient.headers and HTTPClientResponse.headers: map<string,string> (Header.Set; Header.Get, the first value). */
    headerValues: false,
  },
  main: {
    name: "main",
    decode: (payload, message) => unmarshalVT(payload, PROTO_MESSAGES[message]),
    handlerErrorBody: (message) => `failed to execute wasm module - ${message}`,
    /** lib/pq v1.12: an error also says where in the query it failed, and its SQLSTATE code. */
    pqErrorPositions: true,
    /** sql:exec answers SQLExecResponse. */
    sqlExec: true,
    /** HTTPClient.headers and HTTPClientResponse.headers: map<string,Header{values}> (Header.Add each; Header.Values). */
    headerValues: true,
  },
};

/** The profile called `name`; throws for an unknown one. */
export function profile(name = "v0.10.0") {
  const p = PROFILES[name];
  if (!p) throw new Error(`unknown Tarmac profile ${JSON.stringify(name)} (${Object.keys(PROFILES).join(", ")})`);
  return p;
}
