// The key:value capability: get, set, delete and keys over Tarmac's `kvstore` host calls. This
// file checks keys and values and names each operation's fields (spec/capabilities.mjs); what
// goes on the wire is wire.ts's.
//
// get {key=1} -> {status, data=2}; set {key=1, data=2} -> {status}; delete {key=1} -> {status};
// keys (no fields) -> {status, keys=2: a list, or null for none}.

import * as wire from "./wire";
import { Result } from "./result";
import { decodeUtf8, isValidUnicode as isValidText, bytes } from "./utf8";
import { MAX_KEY_LENGTH, MAX_VALUE_BYTES } from "./limits";
import { ErrorKind, TarmacError, E_BAD_KEYS, E_EMPTY_KEY, E_EMPTY_VALUE, E_LONE_SURROGATE, E_NOT_PORTABLE, E_NOT_UTF8, E_TOO_LARGE } from "./errors";
import { portableKey, naturalKey } from "./portable-keys";

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
   * This store with portable keys: any key works on every store Tarmac runs on, NATS included
   * (which holds only `-/_=.a-zA-Z0-9`). Keys that already fit are stored unchanged; others are
   * stored encoded (`=_` + base64url) and `keys()` gives them back decoded. A key longer than
   * 3,000 bytes once encoded is InvalidInput. Use it for every access to the data; make it once
   * (each call makes a new client).
   *
   * ```ts
   * const store = kv.portable();
   * store.setString("user:42", "Ada"); // stored as "=_dXNlcjo0Mg"
   * store.getString("user:42");        // "Ada"
   * ```
   */
  portable(): PortableKVStore { return new PortableKVStore(this); }

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
    wire.request(<usize>key.length, 0);
    wire.text(1, "key", key);
    value = null;
    const err = wire.readReply(wire.send(this.binding, CAPABILITY, "get"), readValue, CAPABILITY, "get", wire.NOT_FOUND_ON_404 | wire.STORE_REFUSES);
    const v = value;
    value = null;
    if (err) return Result.err<Uint8Array>(err);
    if (v !== null) return Result.ok<Uint8Array>(v);
    // Over protobuf an empty value is left out of the reply (one another client stored).
    return wire.omitsEmpty() ? Result.ok<Uint8Array>(new Uint8Array(0)) : Result.err<Uint8Array>(wire.missing(CAPABILITY, "get"));
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
    wire.request(<usize>key.length, len);
    wire.text(1, "key", key);
    wire.data(2, "data", ptr, len);
    return wire.readReply(wire.send(this.binding, CAPABILITY, "set"), null, CAPABILITY, "set", wire.STORE_REFUSES);
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
    wire.request(<usize>key.length, 0);
    wire.text(1, "key", key);
    return wire.readReply(wire.send(this.binding, CAPABILITY, "delete"), null, CAPABILITY, "delete", wire.STORE_REFUSES);
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
    const list = new Array<string>();
    keys = list;
    const err = wire.readReply(wire.sendBare(this.binding, CAPABILITY, "keys"), readKeys, CAPABILITY, "keys", 0);
    keys = null;
    if (err) return Result.err<string[]>(err);
    return Result.ok<string[]>(list);
  }
}

/**
 * A key:value client whose keys every store holds (made by `kv.portable()`): the same
 * operations as KVStore, each key encoded as portable-keys.ts says before the call.
 *
 * ```ts
 * const users = kv.portable();
 * const r = users.get("user:42");
 * ```
 */
export class PortableKVStore {
  constructor(public store: KVStore) {}

  /** As KVStore's `get`. `kv.portable().get("user:42")` */
  get(key: string): Result<Uint8Array> {
    const stored = portableOf(key, "get");
    return stored.isErr ? Result.err<Uint8Array>(stored.error!) : this.store.get(stored.value);
  }

  /** As KVStore's `getString`. `kv.portable().getString("user:42")` */
  getString(key: string): Result<string> {
    const stored = portableOf(key, "get");
    return stored.isErr ? Result.err<string>(stored.error!) : this.store.getString(stored.value);
  }

  /** As KVStore's `set`. `kv.portable().set("user:42", Uint8Array.wrap(String.UTF8.encode("Ada")))` */
  set(key: string, value: Uint8Array): TarmacError | null {
    const stored = portableOf(key, "set");
    return stored.isErr ? stored.error : this.store.set(stored.value, value);
  }

  /** As KVStore's `setString`. `kv.portable().setString("user:42", "Ada")` */
  setString(key: string, value: string): TarmacError | null {
    const stored = portableOf(key, "set");
    return stored.isErr ? stored.error : this.store.setString(stored.value, value);
  }

  /** As KVStore's `delete`. `kv.portable().delete("user:42")` */
  delete(key: string): TarmacError | null {
    const stored = portableOf(key, "delete");
    return stored.isErr ? stored.error : this.store.delete(stored.value);
  }

  /** As KVStore's `keys`, each decoded back to the key it was set with. `kv.portable().keys()` */
  keys(): Result<string[]> {
    const r = this.store.keys();
    if (r.isOk) for (let i = 0; i < r.value.length; i++) r.value[i] = naturalKey(r.value[i]);
    return r;
  }
}

// The key as the store holds it, after the checks every key gets (empty, lone surrogate, length).
function portableOf(key: string, operation: string): Result<string> {
  const bad = checkKey(key, operation);
  if (bad) return Result.err<string>(bad);
  const stored = portableKey(key);
  return stored === null ? Result.err<string>(invalid(E_NOT_PORTABLE(), operation)) : Result.ok<string>(stored);
}

/** The default key:value client, on the `tarmac` binding. `kv.get("k")` */
// @ts-ignore: decorator (created on first use, so a module that never uses kv does not carry it)
@lazy export const kv = new KVStore();

// What the field readers read, for the call in progress. Lazy: a module that never reads keys
// does not carry their type.
let value: Uint8Array | null = null;
// @ts-ignore: decorator
@lazy let keys: string[] | null = null;

// get's `data`.
function readValue(): bool {
  if (!wire.fieldIs(2, "data")) return false;
  value = wire.fieldBytes();
  return true;
}

// keys' `keys`.
function readKeys(): bool {
  if (!wire.fieldIs(2, "keys")) return false;
  wire.fieldTextList(keys!, E_BAD_KEYS());
  return true;
}

function checkKey(key: string, operation: string): TarmacError | null {
  if (key.length == 0) return invalid(E_EMPTY_KEY(), operation);
  if (key.length > MAX_KEY_LENGTH) return invalid(E_TOO_LARGE(), operation);
  if (!isValidText(key)) return invalid(E_LONE_SURROGATE(), operation);
  return null;
}

function invalid(message: string, operation: string): TarmacError {
  return new TarmacError(ErrorKind.InvalidInput, message, 0, CAPABILITY, operation);
}
