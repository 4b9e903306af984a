// A key:value store kept in a JSON file, for `tarmac-as dev` with APP_KVSTORE_TYPE=internal (or
// boltdb): Tarmac keeps that store in a BoltDB file, so data survives a restart; this store does
// the same with a file a person can read. It answers like hord's drivers: it is the in-memory
// MemoryStore on a map that notes changes, with keys in byte order as BoltDB lists them (no keys:
// null). It is passed to a TestHost as `new TestHost({ store })`.
//
// The file: {"tarmac-as-kv":1,"values":{"<key>":"<UTF-8 text>" | {"base64":"<bytes>"}}}. Text is
// stored as text when it is valid UTF-8 and survives the round trip; any other value as base64.
// `flush()` writes it atomically when something changed: a temporary file, synced to disk, then
// renamed over the store and the folder synced, so a process killed at any moment (kill -9)
// leaves either the old file or the new one, never a part of one; `tarmac-as dev` flushes after
// each call, before it answers, so every acknowledged write is in the file.
import { readFileSync, renameSync, mkdirSync, unlinkSync, openSync, writeSync, fsyncSync, closeSync } from "node:fs";
import { dirname, basename, join } from "node:path";
import { BoltStore } from "./engine/model-stores.mjs";

const FORMAT = "tarmac-as-kv";

/** A Map that notes when it changes, so the store knows when to write its file. */
class TrackedMap extends Map {
  set(key, value) { this.changed = true; return super.set(key, value); }
  delete(key) { const had = super.delete(key); if (had) this.changed = true; return had; }
  clear() { if (this.size) this.changed = true; super.clear(); }
}

const utf8 = new TextDecoder("utf-8", { fatal: true });
function encodeValue(buf) {
  try {
    const text = utf8.decode(buf);
    if (Buffer.from(text, "utf8").equals(buf)) return text;
  } catch { /* not UTF-8: base64 */ }
  return { base64: buf.toString("base64") };
}

function decodeValue(v, key, path) {
  if (typeof v === "string") return Buffer.from(v, "utf8");
  if (v && typeof v === "object" && typeof v.base64 === "string") return Buffer.from(v.base64, "base64");
  throw new Error(`${path}: the value of ${JSON.stringify(key)} is neither text nor {"base64": ...}`);
}

// Makes a rename in `dir` durable (where the platform lets a folder be synced).
function syncFolder(dir) {
  let fd;
  try { fd = openSync(dir, "r"); fsyncSync(fd); } catch { /* not supported here */ } finally { if (fd !== undefined) closeSync(fd); }
}

export class FileStore extends BoltStore {
  /**
   * Opens (or, on the first flush, creates) the store at `path`. An empty file counts as an empty
   * store (Tarmac creates one before opening it); any other file that is not such a store is an
   * error, never overwritten.
   */
  constructor(path) {
    super();
    this.path = path;
    this.map = new TrackedMap();
    let text = null;
    try { text = readFileSync(path, "utf8"); } catch (e) { if (e.code !== "ENOENT") throw new Error(`cannot read the key:value file ${path}: ${e.message}`); }
    if (text !== null && text.trim() !== "") {
      let json;
      try { json = JSON.parse(text); } catch { json = null; }
      if (!json || json[FORMAT] !== 1 || typeof json.values !== "object" || json.values === null) {
        throw new Error(`${path} is not a tarmac-as key:value file (a BoltDB file of Tarmac's?); point APP_BOLTDB_FILENAME at another file`);
      }
      for (const [k, v] of Object.entries(json.values)) this.map.set(k, decodeValue(v, k, path));
    }
    this.map.changed = false;
  }

  // get, set, delete and keys are BoltStore's (hord's and bbolt's rules), on the tracked map.

  /** True when the store changed since it was opened or last written. */
  get dirty() { return Boolean(this.map.changed); }

  /** Writes the file if the store changed: to a temporary file next to it, then renamed over it. */
  flush() {
    if (!this.map.changed) return false;
    const values = {};
    for (const key of this.keys() ?? []) values[key] = encodeValue(this.map.get(key));
    mkdirSync(dirname(this.path), { recursive: true });
    const tmp = join(dirname(this.path), `.${basename(this.path)}.${process.pid}.tmp`);
    try {
      const fd = openSync(tmp, "w");
      try {
        writeSync(fd, JSON.stringify({ [FORMAT]: 1, values }, null, 2) + "\n");
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
      renameSync(tmp, this.path);
      syncFolder(dirname(this.path));
    } catch (e) {
      try { unlinkSync(tmp); } catch { /* never written */ }
      throw e;
    }
    this.map.changed = false;
    return true;
  }
}
