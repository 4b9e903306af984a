// How Tarmac's callbacks answer: a Status { code, status } in the reply, JSON or protobuf as the
// request was. A code other than 200 fails the host call with the status text as the error,
// and the reply stays readable by the guest (wapc-go keeps hostResp).
import { CallbackError } from "./errors.mjs";
import { goJSON } from "./go-json.mjs";
import { encodeProto } from "./protowire.mjs";
import { CAPABILITIES } from "../../spec/capabilities.mjs";

/** Tarmac's Status: { code, status }. */
export const status = (code, text) => ({ code, status: text });
export const OK = Object.freeze(status(200, "OK"));

/** `body` when `st` is 200; otherwise the host call fails with `st.status`, `body` readable. */
export function answer(st, body) {
  if (st.code !== 200) throw new CallbackError(st.status, body);
  return body;
}

/**
 * A callback as Tarmac's are since v0.8.1: the payload decoded as the protobuf request
 * `message` ("namespace:operation") with the profile's decoder is answered by
 * `fromProto(fields)`, in protobuf; a payload that does not decode, by `fromJSON(payload)`.
 */
export const protobufFirst = (profile, message, fromProto, fromJSON) => (payload) => {
  const pb = profile.decode(payload, message);
  return pb ? fromProto(pb) : fromJSON(payload);
};

/** A JSON reply: `reply` as Go's encoding/json writes it (fields in the order given); its `status` decides. */
export const jsonAnswer = (reply) => answer(reply.status, goJSON(reply));

/** A protobuf reply: the Status as field 1, then `fields` ({ number: value }). */
export const protoAnswer = (st, fields = {}) => answer(st, encodeProto({ 1: { 1: st.code, 2: st.status }, ...fields }));

/**
 * A host error text the SDK recognises, as the registry lists it for `capability`
 * (CAPABILITIES[capability].texts): the text is written where it is used, for the reader, and a
 * text the registry lacks fails as the module loads, so the test host cannot answer a text the
 * SDK does not know.
 */
export function registryText(capability, text) {
  if (!Object.hasOwn(CAPABILITIES[capability]?.texts ?? {}, text)) {
    throw new Error(`spec/capabilities.mjs lists no host text ${JSON.stringify(text)} for ${capability}`);
  }
  return text;
}
