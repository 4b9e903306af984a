// tarmac-as: write Tarmac functions in AssemblyScript.
//
//   import { handle, ok, kv, Result } from "tarmac-as/assembly";
//   export { __guest_call } from "tarmac-as/assembly";

export { __guest_call, handle, Handler, ok, fail, text, bytes, guestError } from "./handler";
export { kv, KVStore, PortableKVStore } from "./kv";
export { WIRE, WIRE_JSON, WIRE_PROTOBUF, WIRE_AUTO, speaksProtobuf } from "./wire";
export { MAX_KEY_LENGTH, MAX_VALUE_BYTES, MAX_PORTABLE_KEY_BYTES } from "./limits";
export { Result } from "./result";
export { ErrorKind, TarmacError, errorKindName } from "./errors";
export { HostReply, HostCall, setHostCall, hostCall, RawReply } from "./host";
export { retainResponses, retainedCount, retainedBytes } from "./buffers";
export { base64Encode, base64Decode } from "./base64";
export { isValidUnicode } from "./utf8";
export { tarmacAbort } from "./abort";
export { now } from "./time";
export { log, logAt, logBytesAt } from "./logger";
export { tarmacConsole, tarmacTrace } from "./console";
export { metrics, isValidMetricName, isReservedMetricName } from "./metrics";
export { callFunction } from "./function";
export { http, HttpRequest, HttpResponse } from "./http";
export { sql, mysql, SqlRow, SqlValue, SqlType, SqlResult, SqlExec } from "./sql";
export { parseJson, JsonValue, JsonKind } from "./payload";
