// The seam between what a capability asks and how the wire encodes it. A capability file checks
// its input, then describes its operation here field by field: each field by its number in
// Tarmac's protobuf message and its name in Tarmac's JSON (spec/capabilities.mjs, the registry
// the test host and the tests read too). What bytes that makes, how the reply is read and what
// an answer means are behind this line:
//
//   validate -> request / text / data / ... -> send -> readReply(fields) -> typed Result
//
// Today every request is Tarmac's documented JSON (tarmac-json.ts). A second wire is a second
// codec with the same functions, chosen in this file; no capability file changes. Only one
// request and one reply are in flight at a time (a host call is synchronous).

import * as json from "./tarmac-json";
import { HostReply } from "./host";
import { TarmacError } from "./errors";

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
@inline export function request(textUnits: usize, dataBytes: usize): void { json.begin(textUnits, dataBytes); }

/**
 * A string field, checked by the capability (no lone surrogates).
 *
 * ```ts
 * import * as wire from "tarmac-as/assembly/wire";
 * wire.text(1, "key", "greeting");
 * ```
 */
// @ts-ignore: decorator
@inline export function text(field: u32, name: string, value: string): void { json.text(name, value); }

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
@inline export function data(field: u32, name: string, ptr: usize, len: usize): void { json.data(name, ptr, len); }

/**
 * A boolean field.
 *
 * ```ts
 * import * as wire from "tarmac-as/assembly/wire";
 * wire.flag(5, "insecure", false);
 * ```
 */
// @ts-ignore: decorator
@inline export function flag(field: u32, name: string, value: bool): void { json.flag(name, value); }

/**
 * A finite number field (a double).
 *
 * ```ts
 * import * as wire from "tarmac-as/assembly/wire";
 * wire.double(2, "value", 0.25);
 * ```
 */
// @ts-ignore: decorator
@inline export function double(field: u32, name: string, value: f64): void { json.double(name, value); }

/**
 * A map of strings to strings.
 *
 * ```ts
 * import * as wire from "tarmac-as/assembly/wire";
 * wire.textMap(2, "headers", new Map<string, string>());
 * ```
 */
// @ts-ignore: decorator
@inline export function textMap(field: u32, name: string, map: Map<string, string>): void { json.textMap(name, map); }

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
  return json.send(binding, capability, operation);
}

/**
 * Sends a request that has no fields (key:value `keys`); no request is started for it.
 *
 * ```ts
 * import * as wire from "tarmac-as/assembly/wire";
 * const reply = wire.sendBare("tarmac", "kvstore", "keys");
 * ```
 */
// @ts-ignore: decorator
@inline export function sendBare(binding: string, capability: string, operation: string): HostReply {
  return json.sendBare(binding, capability, operation);
}

// ---- Replies: readReply(), which calls the operation's field reader -------------------------

/**
 * Reads a reply: its status, and every other field through `fields` (null: the operation
 * reads none), a function that takes the current field with `fieldIs` and the `field...`
 * functions and returns true, or returns false to have it skipped. Returns the typed error for
 * the reply (answers.ts, the one table), or null for a success.
 *
 * ```ts
 * import * as wire from "tarmac-as/assembly/wire";
 * wire.request(1, 0); wire.text(1, "key", "k");
 * const err = wire.readReply(wire.send("tarmac", "kvstore", "delete"), null, "kvstore", "delete", false);
 * ```
 */
// @ts-ignore: decorator
@inline export function readReply(reply: HostReply, fields: (() => bool) | null, capability: string, operation: string, notFoundOn404: bool): TarmacError | null {
  return json.readReply(reply, fields, capability, operation, notFoundOn404);
}

/**
 * The error for a successful reply without a field the operation needs.
 *
 * ```ts
 * import * as wire from "tarmac-as/assembly/wire";
 * const err = wire.missing("kvstore", "get");
 * ```
 */
// @ts-ignore: decorator
@inline export function missing(capability: string, operation: string): TarmacError { return json.missing(capability, operation); }

/**
 * In a field reader: whether the current field is field `field` / `name`.
 *
 * ```ts
 * import * as wire from "tarmac-as/assembly/wire";
 * const isData = wire.fieldIs(2, "data");
 * ```
 */
// @ts-ignore: decorator
@inline export function fieldIs(field: u32, name: string): bool { return json.fieldIs(name); }

/**
 * In a field reader: the field's bytes, or null when they cannot be read (the reply is then invalid).
 *
 * ```ts
 * import * as wire from "tarmac-as/assembly/wire";
 * const value = wire.fieldBytes();
 * ```
 */
// @ts-ignore: decorator
@inline export function fieldBytes(): Uint8Array | null { return json.fieldBytes(); }

/**
 * In a field reader: the field as an integer in [min, max], else `fallback` (and `problem` is the reply's error).
 *
 * ```ts
 * import * as wire from "tarmac-as/assembly/wire";
 * const code = wire.fieldInt(0, 999, 0, "response has a field of the wrong type");
 * ```
 */
// @ts-ignore: decorator
@inline export function fieldInt(min: i32, max: i32, fallback: i32, problem: string): i32 { return json.fieldInt(min, max, fallback, problem); }

/**
 * In a field reader: a map of strings into `into` (else `problem` is the reply's error).
 *
 * ```ts
 * import * as wire from "tarmac-as/assembly/wire";
 * wire.fieldTextMap(new Map<string, string>(), "response has a field of the wrong type");
 * ```
 */
// @ts-ignore: decorator
@inline export function fieldTextMap(into: Map<string, string>, problem: string): void { json.fieldTextMap(into, problem); }

/**
 * In a field reader: a list of strings into `into` (else `problem` is the reply's error).
 *
 * ```ts
 * import * as wire from "tarmac-as/assembly/wire";
 * wire.fieldTextList(new Array<string>(), "keys is not an array of strings");
 * ```
 */
// @ts-ignore: decorator
@inline export function fieldTextList(into: string[], problem: string): void { json.fieldTextList(into, problem); }
