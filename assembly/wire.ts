// The seam between what a capability asks and how the wire encodes it. A capability file checks
// its input, then describes its operation here field by field: each field by its number in
// Tarmac's protobuf message and its name in Tarmac's JSON (spec/capabilities.mjs, the registry
// the test host and the tests read too). What bytes that makes, how the reply is read and what
// an answer means are behind this line:
//
//   validate -> request / text / data / ... -> send -> readReply(fields) -> typed Result
//
// Two codecs sit behind it: Tarmac's documented JSON (tarmac-json.ts) and its protobuf
// (tarmac-proto.ts). One setting chooses for the whole module, when it is compiled:
//
//   TARMAC_WIRE=0  json      the default: the seed's documented wire, every Tarmac
//   TARMAC_WIRE=1  protobuf  raw bytes, no base64 (Tarmac v0.8.1 and later)
//   TARMAC_WIRE=2  auto      protobuf where the host has it, JSON where it does not
//
// given to asc as `--use TARMAC_WIRE=1` (or `tarmac-as build --wire protobuf`). A module built
// for one wire carries only that codec. `auto` carries both and asks the host once per instance
// (tarmac-proto.ts, `hostWire`). Operations only the protobuf wire has (sql exec) go over
// protobuf whatever the setting, through the `protobuf...` functions at the end of this file,
// so a module that has none carries no protobuf. Only one request and one reply are in flight
// at a time (a host call is synchronous), so which codec `auto` uses is a module global.

import * as json from "./tarmac-json";
import * as proto from "./tarmac-proto";
import { HostReply } from "./host";
import { TarmacError } from "./errors";
import { ReplyStatus, isUnrouted } from "./answers";
export { NOT_FOUND_ON_404, SUCCESS_ON_206, STORE_REFUSES } from "./answers";

/** The wire settings (`--use TARMAC_WIRE=<n>`). */
export const WIRE_JSON: i32 = 0;
export const WIRE_PROTOBUF: i32 = 1;
export const WIRE_AUTO: i32 = 2;

/**
 * This module's wire setting.
 *
 * ```ts
 * import * as wire from "tarmac-as/assembly/wire";
 * const json = wire.WIRE == wire.WIRE_JSON;
 * ```
 */
// @ts-ignore: decorator, and TARMAC_WIRE is asc's `--use` constant when given
@inline export const WIRE: i32 = isDefined(TARMAC_WIRE) ? TARMAC_WIRE : WIRE_JSON;

// Under `auto`: whether the host speaks protobuf (what the probe found).
let autoProtobuf: bool = false;

// Whether this call is protobuf: known when the module is compiled, except under `auto`.
// @ts-ignore: decorator
@inline function protobuf(): bool {
  return WIRE == WIRE_PROTOBUF || (WIRE == WIRE_AUTO && autoProtobuf);
}

// Chooses the codec for the next host call.
// @ts-ignore: decorator
@inline function choose(): void {
  if (WIRE < WIRE_JSON || WIRE > WIRE_AUTO) ERROR("TARMAC_WIRE must be 0 (json), 1 (protobuf) or 2 (auto)");
  if (WIRE == WIRE_AUTO) autoProtobuf = proto.hostWire() != proto.HOST_JSON_ONLY;
}

/**
 * Whether the next request goes over protobuf (the setting, or what `auto` found).
 *
 * ```ts
 * import * as wire from "tarmac-as/assembly/wire";
 * const raw = wire.speaksProtobuf();
 * ```
 */
export function speaksProtobuf(): bool {
  choose();
  return protobuf();
}

// ---- Requests: request(), its fields, then send() --------------------------------------------

/**
 * Starts a request whose fields hold about `textUnits` UTF-16 units of text and `dataBytes`
 * bytes of data (a hint for the codec, which sizes its buffer once from it; it grows as needed).
 *
 * ```ts
 * import * as wire from "tarmac-as/assembly/wire";
 * wire.request(8, 0); wire.text(1, "key", "greeting");
 * const reply = wire.send("tarmac", "kvstore", "get");
 * ```
 */
// @ts-ignore: decorator
@inline export function request(textUnits: usize, dataBytes: usize): void {
  choose();
  if (protobuf()) proto.begin(textUnits, dataBytes); else json.begin(textUnits, dataBytes);
}


/**
 * A string field, checked by the capability (no lone surrogates).
 *
 * ```ts
 * import * as wire from "tarmac-as/assembly/wire";
 * wire.text(1, "key", "greeting");
 * ```
 */
// @ts-ignore: decorator
@inline export function text(field: u32, name: string, value: string): void { if (protobuf()) proto.text(field, value); else json.text(name, value); }

/**
 * A bytes field: the `len` bytes at `ptr`.
 *
 * ```ts
 * import * as wire from "tarmac-as/assembly/wire";
 * const body = new Uint8Array(4);
 * wire.data(2, "data", body.dataStart, body.length);
 * ```
 */
// @ts-ignore: decorator
@inline export function data(field: u32, name: string, ptr: usize, len: usize): void { if (protobuf()) proto.data(field, ptr, len); else json.data(name, ptr, len); }

/**
 * A boolean field.
 *
 * ```ts
 * import * as wire from "tarmac-as/assembly/wire";
 * wire.flag(5, "insecure", false);
 * ```
 */
// @ts-ignore: decorator
@inline export function flag(field: u32, name: string, value: bool): void { if (protobuf()) proto.flag(field, value); else json.flag(name, value); }

/**
 * A finite number field (a double).
 *
 * ```ts
 * import * as wire from "tarmac-as/assembly/wire";
 * wire.double(2, "value", 0.25);
 * ```
 */
// @ts-ignore: decorator
@inline export function double(field: u32, name: string, value: f64): void { if (protobuf()) proto.double(field, value); else json.double(name, value); }

/**
 * A map of header names to values: one value per name (`map`) on JSON and v0.10.0's protobuf,
 * every value (`values`, for the names it has) on `main`'s.
 *
 * ```ts
 * import * as wire from "tarmac-as/assembly/wire";
 * wire.textMap(2, "headers", new Map<string, string>(), null);
 * ```
 */
// @ts-ignore: decorator
@inline export function textMap(field: u32, name: string, map: Map<string, string>, values: Map<string, string[]> | null): void {
  if (protobuf()) proto.textMap(field, map, values); else json.textMap(name, map);
}

/**
 * Sends the request and ends it (its buffer is given back); the reply is valid until the next
 * host call.
 *
 * ```ts
 * import * as wire from "tarmac-as/assembly/wire";
 * wire.request(1, 0); wire.text(1, "key", "k");
 * const reply = wire.send("tarmac", "kvstore", "delete");
 * ```
 */
// @ts-ignore: decorator
@inline export function send(binding: string, capability: string, operation: string): HostReply {
  return protobuf() ? proto.send(binding, capability, operation) : json.send(binding, capability, operation);
}

/**
 * Sends a request that has no fields (key:value `keys`); no request is started for it (over
 * protobuf it is KVStoreKeys { return_proto: true }: an empty payload asks for JSON).
 *
 * ```ts
 * import * as wire from "tarmac-as/assembly/wire";
 * const reply = wire.sendBare("tarmac", "kvstore", "keys");
 * ```
 */
// @ts-ignore: decorator
@inline export function sendBare(binding: string, capability: string, operation: string): HostReply {
  choose();
  return protobuf() ? proto.sendBare(binding, capability, operation) : json.sendBare(binding, capability, operation);
}

// ---- Replies: readReply(), which calls the operation's field reader -------------------------

/**
 * Reads a reply: its status, and every other field through `fields` (null: the operation
 * reads none), a function that takes the current field with `fieldIs` and the `field...`
 * functions and returns true, or returns false to have it skipped. Returns the typed error for
 * the reply (answers.ts, the one table, with the operation's `rules`: 0, NOT_FOUND_ON_404, STORE_REFUSES,
 * SUCCESS_ON_206), or null for a success.
 *
 * ```ts
 * import * as wire from "tarmac-as/assembly/wire";
 * wire.request(1, 0); wire.text(1, "key", "k");
 * const err = wire.readReply(wire.send("tarmac", "kvstore", "delete"), null, "kvstore", "delete", 0);
 * ```
 */
// @ts-ignore: decorator
@inline export function readReply(reply: HostReply, fields: (() => bool) | null, capability: string, operation: string, rules: u32): TarmacError | null {
  return protobuf() ? proto.readReply(reply, fields, capability, operation, rules) : json.readReply(reply, fields, capability, operation, rules);
}

/**
 * Whether the host has no route for a call (`callback not found`): the capability is off, or
 * this Tarmac lacks the operation.
 *
 * ```ts
 * import * as wire from "tarmac-as/assembly/wire";
 * const off = wire.unrouted(wire.sendBare("tarmac", "kvstore", "keys"));
 * ```
 */
// @ts-ignore: decorator
@inline export function unrouted(reply: HostReply): bool { return isUnrouted(reply); }

/**
 * After `readReply`: the reply's status code and text (a partial success's reason).
 *
 * ```ts
 * import * as wire from "tarmac-as/assembly/wire";
 * const partial = wire.replyCode() == 206;
 * ```
 */
// @ts-ignore: decorator
@inline export function replyCode(): i32 { return changetype<ReplyStatus>(ReplyStatus.shared).code; }

/**
 * After `readReply`: the reply's status text.
 *
 * ```ts
 * import * as wire from "tarmac-as/assembly/wire";
 * const why = wire.replyText();
 * ```
 */
// @ts-ignore: decorator
@inline export function replyText(): string { return changetype<ReplyStatus>(ReplyStatus.shared).text; }

/**
 * Whether a field the reply left out is simply empty (protobuf: proto3 leaves empty bytes,
 * strings and zeros out), rather than missing (JSON).
 *
 * ```ts
 * import * as wire from "tarmac-as/assembly/wire";
 * const empty = wire.omitsEmpty();
 * ```
 */
// @ts-ignore: decorator
@inline export function omitsEmpty(): bool { return protobuf(); }

/**
 * The error for a successful reply without a field the operation needs.
 *
 * ```ts
 * import * as wire from "tarmac-as/assembly/wire";
 * const err = wire.missing("kvstore", "get");
 * ```
 */
// @ts-ignore: decorator
@inline export function missing(capability: string, operation: string): TarmacError {
  return protobuf() ? proto.missing(capability, operation) : json.missing(capability, operation);
}

/**
 * In a field reader: whether the current field is field `field` / `name`.
 *
 * ```ts
 * import * as wire from "tarmac-as/assembly/wire";
 * const isData = wire.fieldIs(2, "data");
 * ```
 */
// @ts-ignore: decorator
@inline export function fieldIs(field: u32, name: string): bool { return protobuf() ? proto.fieldIs(field) : json.fieldIs(name); }

/**
 * In a field reader: the field's bytes, or null when they cannot be read (the reply is then invalid).
 *
 * ```ts
 * import * as wire from "tarmac-as/assembly/wire";
 * const value = wire.fieldBytes();
 * ```
 */
// @ts-ignore: decorator
@inline export function fieldBytes(): Uint8Array | null { return protobuf() ? proto.fieldBytes() : json.fieldBytes(); }

/**
 * In a field reader: the field as an integer in [min, max], else `fallback` (and `problem` is the
 * reply's error). Over protobuf it is an int32 (its varint's low 32 bits).
 *
 * ```ts
 * import * as wire from "tarmac-as/assembly/wire";
 * const code = wire.fieldInt(0, 999, 0, "response has a field of the wrong type");
 * ```
 */
// @ts-ignore: decorator
@inline export function fieldInt(min: i32, max: i32, fallback: i32, problem: string): i32 {
  return protobuf() ? <i32>proto.fieldInt(min, max, fallback, problem, true) : json.fieldInt(min, max, fallback, problem);
}


/**
 * In a field reader: a map of header names into `into` (their first value) and `values` (every
 * value, for names with more than one; only `main`'s protobuf has them); else `problem` is
 * the reply's error. JSON sends the map as one field, protobuf as one field per name.
 *
 * ```ts
 * import * as wire from "tarmac-as/assembly/wire";
 * wire.fieldTextMap(new Map<string, string>(), null, "response has a field of the wrong type");
 * ```
 */
// @ts-ignore: decorator
@inline export function fieldTextMap(into: Map<string, string>, values: Map<string, string[]> | null, problem: string): void {
  if (protobuf()) proto.fieldTextMap(into, values, problem); else json.fieldTextMap(into, problem);
}

/**
 * In a field reader: a list of strings into `into` (else `problem` is the reply's error). JSON
 * sends the list as one field, protobuf as one field per string.
 *
 * ```ts
 * import * as wire from "tarmac-as/assembly/wire";
 * wire.fieldTextList(new Array<string>(), "keys is not an array of strings");
 * ```
 */
// @ts-ignore: decorator
@inline export function fieldTextList(into: string[], problem: string): void {
  if (protobuf()) proto.fieldTextList(into, problem); else json.fieldTextList(into, problem);
}

/**
 * Makes sure the host's header encoding is known before a request with headers is written (over
 * protobuf it differs between v0.10.0 and `main`; finding it out is a host call of its own).
 *
 * ```ts
 * import * as wire from "tarmac-as/assembly/wire";
 * wire.learnHeaders();
 * ```
 */
// @ts-ignore: decorator
@inline export function learnHeaders(): void { if (WIRE != WIRE_JSON) proto.hostWire(); }

// ---- Operations only the protobuf wire has, on every setting ---------------------------------

/**
 * Starts a request of an operation only the protobuf wire has (sql exec), whatever the setting.
 *
 * ```ts
 * import * as wire from "tarmac-as/assembly/wire";
 * wire.protobufRequest(0, 8);
 * ```
 */
// @ts-ignore: decorator
@inline export function protobufRequest(textUnits: usize, dataBytes: usize): void { proto.begin(textUnits, dataBytes); }

/**
 * A bytes field of a protobuf-only request.
 *
 * ```ts
 * import * as wire from "tarmac-as/assembly/wire";
 * const body = new Uint8Array(4);
 * wire.protobufData(1, body.dataStart, body.length);
 * ```
 */
// @ts-ignore: decorator
@inline export function protobufData(field: u32, ptr: usize, len: usize): void { proto.data(field, ptr, len); }

/**
 * Sends a protobuf-only request and ends it.
 *
 * ```ts
 * import * as wire from "tarmac-as/assembly/wire";
 * const reply = wire.protobufSend("tarmac", "sql", "exec");
 * ```
 */
// @ts-ignore: decorator
@inline export function protobufSend(binding: string, capability: string, operation: string): HostReply {
  return proto.send(binding, capability, operation);
}

/**
 * Reads a protobuf-only reply, as `readReply` does; its field reader uses `protobufFieldIs`
 * and `protobufFieldInt64`.
 *
 * ```ts
 * import * as wire from "tarmac-as/assembly/wire";
 * const e = wire.protobufReadReply(wire.protobufSend("tarmac", "sql", "exec"), null, "sql", "exec", wire.SUCCESS_ON_206);
 * ```
 */
// @ts-ignore: decorator
@inline export function protobufReadReply(reply: HostReply, fields: (() => bool) | null, capability: string, operation: string, rules: u32): TarmacError | null {
  return proto.readReply(reply, fields, capability, operation, rules);
}

/**
 * In a protobuf-only field reader: whether the current field is number `field`.
 *
 * ```ts
 * import * as wire from "tarmac-as/assembly/wire";
 * const rows = wire.protobufFieldIs(3);
 * ```
 */
// @ts-ignore: decorator
@inline export function protobufFieldIs(field: u32): bool { return proto.fieldIs(field); }

/**
 * In a protobuf-only field reader: the field as a 64-bit integer (an int64), else `problem`
 * is the reply's error.
 *
 * ```ts
 * import * as wire from "tarmac-as/assembly/wire";
 * const rows = wire.protobufFieldInt64("response has a field of the wrong type");
 * ```
 */
// @ts-ignore: decorator
@inline export function protobufFieldInt64(problem: string): i64 { return proto.fieldInt(i64.MIN_VALUE, i64.MAX_VALUE, 0, problem); }
