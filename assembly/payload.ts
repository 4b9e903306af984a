// JSON payloads: read a request body and build a response body as JSON, without traps.
//
// `parseJson` validates the whole document with the SDK's own reader (assembly/json.ts) and
// gives a tree of `JsonValue`s, or an `InvalidInput` error for anything that is not JSON; it
// never traps, whatever the body holds. `JsonValue.toBytes()` writes JSON as JSON.stringify
// does (UTF-8, the same escapes, lone surrogates as `\udXXX`). Numbers keep their text, so an
// integer of any size reads back and writes out exactly. Nesting is limited to 128 levels.

import { JsonReader, JsonWriter, JsonType, numberText } from "./json";
import { Result } from "./result";
import { decodeUtf8 } from "./utf8";
import { ErrorKind, TarmacError, E_PAYLOAD_NOT_JSON } from "./errors";
import { MAX_JSON_DEPTH } from "./limits";

/** What a `JsonValue` holds. */
export enum JsonKind { Null, Bool, Number, String, Array, Object }


/**
 * One JSON value: null, a boolean, a number, a string, an array or an object. Read one with
 * `parseJson`, or build one with `JsonValue.object()` and friends.
 *
 * ```ts
 * const reply = JsonValue.object().set("greeting", JsonValue.string("hi")).set("count", JsonValue.int(2));
 * const body = reply.toBytes(); // {"greeting":"hi","count":2}
 * ```
 */
export class JsonValue {
  private flag: bool = false;
  private text: string = ""; // a string's value, or a number's JSON text
  private items: JsonValue[] | null = null; // array items, or object values
  private names: string[] | null = null; // object member names, in order

  private constructor(public readonly kind: JsonKind) {}

  /** `null`. `JsonValue.null()` */
  static null(): JsonValue {
    return new JsonValue(JsonKind.Null);
  }

  /** `true` or `false`. `JsonValue.bool(true)` */
  static bool(b: bool): JsonValue {
    const v = new JsonValue(JsonKind.Bool);
    v.flag = b;
    return v;
  }

  /** A number; NaN and infinities become `null`, as JSON.stringify writes them. `JsonValue.number(2.5)` */
  static number(n: f64): JsonValue {
    if (!isFinite(n)) return JsonValue.null();
    const v = new JsonValue(JsonKind.Number);
    v.text = numberText(n);
    return v;
  }

  /** An integer, written exactly. `JsonValue.int(9007199254740993)` */
  static int(n: i64): JsonValue {
    const v = new JsonValue(JsonKind.Number);
    v.text = n.toString();
    return v;
  }

  /** A string. `JsonValue.string("héllo")` */
  static string(s: string): JsonValue {
    const v = new JsonValue(JsonKind.String);
    v.text = s;
    return v;
  }

  /** An empty array; add items with `push`. `JsonValue.array().push(JsonValue.int(1))` */
  static array(): JsonValue {
    const v = new JsonValue(JsonKind.Array);
    v.items = [];
    return v;
  }

  /** An empty object; add members with `set`. `JsonValue.object().set("ok", JsonValue.bool(true))` */
  static object(): JsonValue {
    const v = new JsonValue(JsonKind.Object);
    v.items = [];
    v.names = [];
    return v;
  }

  /** Whether this is `null`. `if (v.isNull) ...` */
  get isNull(): bool {
    return this.kind == JsonKind.Null;
  }

  /** The string, or null if this is not a string. `const name = v.asString();` */
  asString(): string | null {
    return this.kind == JsonKind.String ? this.text : null;
  }

  /** The number, or `fallback` if this is not a number. `const price = v.asNumber(0);` */
  asNumber(fallback: f64 = NaN): f64 {
    return this.kind == JsonKind.Number ? parseFloat(this.text) : fallback;
  }

  /**
   * The number as an integer, or `fallback` if this is not an integer in i64's range written
   * without a fraction or exponent. `const count = v.asInt(0);`
   */
  asInt(fallback: i64 = 0): i64 {
    if (this.kind != JsonKind.Number) return fallback;
    const t = this.text;
    const neg = t.charCodeAt(0) == 45;
    let i = neg ? 1 : 0;
    if (t.length - i > 19) return fallback;
    let v: u64 = 0;
    for (; i < t.length; i++) {
      const c = t.charCodeAt(i);
      if (c < 48 || c > 57) return fallback;
      v = v * 10 + <u64>(c - 48);
    }
    // 19 digits fit in u64; then the sign's range: up to 2^63 - 1, or 2^63 when negative.
    if (v > (neg ? 0x8000000000000000 : 0x7FFFFFFFFFFFFFFF)) return fallback;
    return neg ? -(<i64>v) : <i64>v;
  }

  /** The boolean, or `fallback` if this is not a boolean. `const done = v.asBool(false);` */
  asBool(fallback: bool = false): bool {
    return this.kind == JsonKind.Bool ? this.flag : fallback;
  }

  /** Items of an array or members of an object; 0 for anything else. `for (let i = 0; i < v.length; i++) ...` */
  get length(): i32 {
    const items = this.items;
    return items ? items.length : 0;
  }

  /** The array item at `index`, or null (out of range, or not an array). `const first = v.at(0);` */
  at(index: i32): JsonValue | null {
    const items = this.items;
    if (this.kind != JsonKind.Array || !items || index < 0 || index >= items.length) return null;
    return unchecked(items[index]);
  }

  /**
   * The object member called `name` (exactly; the last one if it repeats, as JSON.parse does),
   * or null. `const user = v.get("user");`
   */
  get(name: string): JsonValue | null {
    const names = this.names;
    if (!names) return null;
    for (let i = names.length - 1; i >= 0; i--) {
      if (unchecked(names[i]) == name) return unchecked(this.items![i]);
    }
    return null;
  }

  /** The member `name` as a string, or null if missing or not a string. `const n = v.getString("name");` */
  getString(name: string): string | null {
    const m = this.get(name);
    return m ? m.asString() : null;
  }

  /** The member `name` as a number, or `fallback`. `const qty = v.getNumber("qty", 1);` */
  getNumber(name: string, fallback: f64 = NaN): f64 {
    const m = this.get(name);
    return m ? m.asNumber(fallback) : fallback;
  }

  /** The member `name` as an integer, or `fallback`. `const id = v.getInt("id", -1);` */
  getInt(name: string, fallback: i64 = 0): i64 {
    const m = this.get(name);
    return m ? m.asInt(fallback) : fallback;
  }

  /** The member `name` as a boolean, or `fallback`. `const dry = v.getBool("dryRun", false);` */
  getBool(name: string, fallback: bool = false): bool {
    const m = this.get(name);
    return m ? m.asBool(fallback) : fallback;
  }

  /** An object's member names, in order (an empty array for anything else). `const names = v.keys();` */
  keys(): string[] {
    const names = this.names;
    return names ? names.slice(0) : [];
  }

  /**
   * Sets member `name` of an object to `value` (replacing one of that name: the last, which
   * `get` reads, if it repeats) and returns the object, for chaining; does nothing to anything
   * else. `obj.set("id", JsonValue.int(7));`
   */
  set(name: string, value: JsonValue): JsonValue {
    const names = this.names;
    if (!names) return this;
    const items = this.items!;
    for (let i = names.length - 1; i >= 0; i--) {
      if (unchecked(names[i]) == name) { unchecked(items[i] = value); return this; }
    }
    names.push(name);
    items.push(value);
    return this;
  }

  /** Appends `value` to an array and returns the array; does nothing to anything else. `list.push(JsonValue.string("x"));` */
  push(value: JsonValue): JsonValue {
    if (this.kind == JsonKind.Array) this.items!.push(value);
    return this;
  }

  /** The value as JSON text. `const text = v.toString();` */
  toString(): string {
    return String.UTF8.decode(this.toBytes().buffer);
  }

  /** The value as UTF-8 JSON, ready to return from a handler. `return ok(reply.toBytes());` */
  toBytes(): Uint8Array {
    const w = JsonWriter.begin(256);
    this.write(w);
    const out = new Uint8Array(<i32>w.length);
    memory.copy(out.dataStart, w.ptr, w.length);
    w.end();
    return out;
  }

  private write(w: JsonWriter): void {
    switch (this.kind) {
      case JsonKind.Null: { w.null(); break; }
      case JsonKind.Bool: { w.bool(this.flag); break; }
      case JsonKind.Number: { w.numberText(this.text); break; }
      case JsonKind.String: { w.string(this.text); break; }
      case JsonKind.Array: {
        w.startArray();
        const items = this.items!;
        for (let i = 0; i < items.length; i++) unchecked(items[i]).write(w);
        w.endArray();
        break;
      }
      default: {
        w.startObject();
        const items = this.items!, names = this.names!;
        for (let i = 0; i < items.length; i++) {
          w.key(unchecked(names[i]));
          unchecked(items[i]).write(w);
        }
        w.endObject();
      }
    }
  }

  /** @internal Reads one value (and what it holds) from `r`, or null if it is not valid JSON. */
  static read(r: JsonReader, depth: i32): JsonValue | null {
    switch (r.peek()) {
      case JsonType.Null: return r.null() ? JsonValue.null() : null;
      case JsonType.Bool: { const b = r.bool(); return r.failed ? null : JsonValue.bool(b); }
      case JsonType.Number: {
        if (!r.numberSpan()) return null;
        const v = new JsonValue(JsonKind.Number);
        v.text = changetype<string>(decodeUtf8(r.spanStart, r.spanEnd - r.spanStart, true)); // ASCII
        return v;
      }
      case JsonType.String: { const s = r.string(); return s === null ? null : JsonValue.string(s); }
      case JsonType.Array: {
        if (depth >= MAX_JSON_DEPTH || !r.startArray()) return null;
        const v = JsonValue.array();
        while (r.nextItem()) {
          const item = JsonValue.read(r, depth + 1);
          if (!item) return null;
          v.items!.push(item);
        }
        return r.failed ? null : v;
      }
      case JsonType.Object: {
        if (depth >= MAX_JSON_DEPTH || !r.startObject()) return null;
        const v = JsonValue.object();
        while (r.nextKey()) {
          const name = r.keyText();
          const item = JsonValue.read(r, depth + 1);
          if (!item) return null;
          v.names!.push(name);
          v.items!.push(item);
        }
        return r.failed ? null : v;
      }
    }
    return null;
  }
}

/**
 * Reads `body` as one JSON document. Anything else (empty, truncated, invalid UTF-8, trailing
 * bytes, nesting deeper than 128) is an `InvalidInput` error; it never traps.
 *
 * ```ts
 * handle((req: Uint8Array): Result<Uint8Array> => {
 *   const doc = parseJson(req);
 *   if (doc.isErr) return fail(doc.error!.message);
 *   const name = doc.value.getString("name");
 *   return ok(JsonValue.object().set("hello", JsonValue.string(name !== null ? name : "world")).toBytes());
 * });
 * ```
 */
export function parseJson(body: Uint8Array): Result<JsonValue> {
  const r = new JsonReader(body.dataStart, <usize>body.length);
  const v = JsonValue.read(r, 0);
  if (!v || !r.finish()) return Result.err<JsonValue>(new TarmacError(ErrorKind.InvalidInput, E_PAYLOAD_NOT_JSON(), 0, "json", "parse"));
  return Result.ok<JsonValue>(v);
}
