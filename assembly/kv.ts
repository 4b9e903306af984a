// The key:value capability: get, set, delete and keys over Tarmac's `kvstore` host calls.
//
// Wire format (Tarmac's documented JSON): get {"key"} -> {"status","data":base64};
// set {"key","data":base64} -> {"status"}; delete {"key"} -> {"status"};
// keys: empty payload -> {"keys":[...]|null,"status"}.

import { callHost } from "./host";
import { JsonWriter, JsonReader, JsonType } from "./json";
import { ReplyStatus, readStatus, replyError, readReply, takeReplyData } from "./reply";
import { Result } from "./result";
import { decodeUtf8, isValidUnicode as isValidText, bytes } from "./utf8";
import {
  ErrorKind, TarmacError, E_BAD_KEYS, E_EMPTY_KEY, E_EMPTY_VALUE, E_LONE_SURROGATE, E_NOT_UTF8, E_TOO_LARGE,
} from "./errors";

// @ts-ignore: decorator
@lazy @inline const CAPABILITY: string = "kvstore";

/**
 * A client for Tarmac's key:value store. Use the ready-made `kv`, or make one with another
 * binding name.
 *
 * ```ts
 * const err = kv.setString("greeting", "hello");
 * const r = kv.getString("greeting");      // r.value == "hello"
 * ```
 */
export class KVStore {
  /** @param binding the waPC binding Tarmac routes on; Tarmac v0.7+ needs "tarmac". */
  constructor(public binding: string = "tarmac") {}

  /**
   * The bytes stored under `key`. A missing key gives an error of kind `NotFound`.
   *
   * ```ts
   * const r = kv.get("avatar:42");
   * if (r.is(ErrorKind.NotFound)) return fail("no avatar yet");
   * if (r.isOk) return ok(r.value);
   * ```
   */
  get(key: string): Result<Uint8Array> {
    const bad = checkKey(key, "get");
    if (bad) return Result.err<Uint8Array>(bad);
    const w = keyRequest(key);
    const reply = callHost(this.binding, CAPABILITY, "get", w.ptr, w.length);
    w.end();
    const err = readReply(reply, "data", CAPABILITY, "get", true);
    return err ? Result.err<Uint8Array>(err) : Result.ok<Uint8Array>(takeReplyData()!);
  }

  /**
   * The value under `key` as text. A value that is not valid UTF-8 gives `InvalidData`.
   *
   * ```ts
   * const name = kv.getString("name").unwrapOr("world");
   * ```
   */
  getString(key: string): Result<string> {
    const r = this.get(key);
    if (r.isErr) return Result.err<string>(r.error!);
    const value = r.value;
    const s = decodeUtf8(value.dataStart, value.length);
    if (s === null) return Result.err<string>(new TarmacError(ErrorKind.InvalidData, E_NOT_UTF8(), 0, CAPABILITY, "get"));
    return Result.ok<string>(s);
  }

  /**
   * Stores `value` under `key`. Returns null on success, or the error. Tarmac rejects empty
   * values, so an empty `value` is an `InvalidInput` error without a host call.
   *
   * ```ts
   * const err = kv.set("avatar:42", request);
   * if (err) return Result.err<Uint8Array>(err);
   * ```
   */
  set(key: string, value: Uint8Array): TarmacError | null {
    return this.setRaw(key, value.dataStart, value.length);
  }

  /**
   * Stores `value` as UTF-8 under `key`. Returns null on success, or the error.
   *
   * ```ts
   * kv.setString("greeting", "hello");
   * ```
   */
  setString(key: string, value: string): TarmacError | null {
    if (<usize>value.length > MAX_VALUE_BYTES) return invalid(E_TOO_LARGE(), "set");
    if (!isValidText(value)) return invalid(E_LONE_SURROGATE(), "set");
    const utf8 = bytes(value);
    return this.setRaw(key, utf8.dataStart, utf8.length);
  }

  private setRaw(key: string, ptr: usize, len: usize): TarmacError | null {
    const bad = checkKey(key, "set");
    if (bad) return bad;
    if (len == 0) return invalid(E_EMPTY_VALUE(), "set");
    if (len > MAX_VALUE_BYTES) return invalid(E_TOO_LARGE(), "set");
    const w = JsonWriter.request(<usize>key.length * 3 + ((len + 2) / 3) * 4 + 24);
    w.startObject();
    w.key("key"); w.string(key);
    w.key("data"); w.base64(ptr, len);
    w.endObject();
    const reply = callHost(this.binding, CAPABILITY, "set", w.ptr, w.length);
    w.end();
    return readReply(reply, null, CAPABILITY, "set", false);
  }

  /**
   * Deletes `key`. Deleting a key that does not exist succeeds (as in Tarmac).
   *
   * ```ts
   * const err = kv.delete("session:9");
   * ```
   */
  delete(key: string): TarmacError | null {
    const bad = checkKey(key, "delete");
    if (bad) return bad;
    const w = keyRequest(key);
    const reply = callHost(this.binding, CAPABILITY, "delete", w.ptr, w.length);
    w.end();
    return readReply(reply, null, CAPABILITY, "delete", false);
  }

  /**
   * Every key in the store (an empty array when there are none).
   *
   * ```ts
   * const r = kv.keys();
   * if (r.isOk) for (let i = 0; i < r.value.length; i++) log.info(r.value[i]);
   * ```
   */
  keys(): Result<string[]> {
    const reply = callHost(this.binding, CAPABILITY, "keys", 0, 0);
    const st = ReplyStatus.fresh();
    const r = JsonReader.over(reply.bodyPtr, reply.bodyLen);
    const keys = new Array<string>();
    if (reply.bodyLen > 0 && r.startObject()) {
      while (r.nextKey()) {
        if (r.keyIs("status")) readStatus(r, st);
        else if (r.keyIs("keys")) readKeys(r, st, keys);
        else r.skip();
      }
    }
    const err = replyError(reply, r, st, CAPABILITY, "keys", false);
    if (err) return Result.err<string[]>(err);
    return Result.ok<string[]>(keys);
  }
}

/** The default key:value client, on the `tarmac` binding. `kv.get("k")` */
// @ts-ignore: decorator (created on first use, so a module that never uses kv does not carry it)
@lazy export const kv = new KVStore();

function readKeys(r: JsonReader, st: ReplyStatus, into: string[]): void {
  const t = r.peek();
  if (t == JsonType.Null) { r.null(); return; }
  if (t != JsonType.Array) { r.skip(); st.problem = E_BAD_KEYS(); return; }
  into.length = 0;
  r.startArray();
  while (r.nextItem()) {
    if (r.peek() != JsonType.String) { r.skip(); st.problem = E_BAD_KEYS(); continue; }
    const k = r.string();
    if (k !== null) into.push(k);
  }
}

function keyRequest(key: string): JsonWriter {
  const w = JsonWriter.request(<usize>key.length * 3 + 16);
  w.startObject();
  w.key("key"); w.string(key);
  w.endObject();
  return w;
}

/** The longest key the SDK sends, in UTF-16 units (its JSON then stays well inside one buffer). */
export const MAX_KEY_LENGTH: i32 = 1 << 20;
/** The largest value the SDK sends: 64 MiB (its base64 request is about 86 MiB). */
export const MAX_VALUE_BYTES: usize = 64 << 20;

function checkKey(key: string, operation: string): TarmacError | null {
  if (key.length == 0) return invalid(E_EMPTY_KEY(), operation);
  if (key.length > MAX_KEY_LENGTH) return invalid(E_TOO_LARGE(), operation);
  if (!isValidText(key)) return invalid(E_LONE_SURROGATE(), operation);
  return null;
}

function invalid(message: string, operation: string): TarmacError {
  return new TarmacError(ErrorKind.InvalidInput, message, 0, CAPABILITY, operation);
}
