// What the SDK puts on the wire and keeps in memory, as the tests expect it: one place, so no
// test copies these by hand. Each mirrors a constant of assembly/ named beside it.

/** The JSON whitespace every request starts with, so no Tarmac reads it as protobuf (tarmac-json.ts, beginRequest). */
export const PROTOBUF_GUARD = "\r    ";

/** A request document as the SDK sends it: the guard, then the JSON. */
export const requestBytes = (json) => PROTOBUF_GUARD + json;

/** The response retention policy's defaults (buffers.ts): count, milliseconds, bytes. */
export const RETENTION_DEFAULTS = { count: 8, millis: 1000, budget: 16 << 20 };

/** At most this many responses are kept (buffers.ts, MAX_RETAINED). */
export const MAX_RETAINED = 64;

/** The message a waPC guest answers an unknown operation with (handler.ts). */
export const unknownOperation = (name) => `Could not find function "${name}"`;
