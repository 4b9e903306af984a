// Models of the key:value backends that cannot run here, each answering as hord's driver on the
// real database does: BoltDB (APP_KVSTORE_TYPE=internal or boltdb: one file, one Tarmac) and
// Cassandra (APP_KVSTORE_TYPE=cassandra). They hold the data in memory, like MemoryStore, with
// the backend's own limits, key order, empty `keys` (null) and error texts:
//
// |                | key                          | value                       | keys order          |
// |----------------|------------------------------|-----------------------------|---------------------|
// | BoltDB (bbolt) | 1 to 32,768 bytes            | up to 2^31 - 2 bytes        | byte order          |
// | Cassandra      | 1 to 65,535 bytes of UTF-8   | a mutation up to 16 MiB     | token (Murmur3) order |
//
// Texts: bbolt's "key too large" / "value too large" inside hord's "error while executing Set
// transaction - error while executing Set - ..."; Cassandra's InvalidRequest "Key length of N is
// longer than maximum of 65535", as gocql passes it on. Cassandra refuses a mutation over half a
// commit log segment (16 MiB by default); the words depend on its version (this model answers as
// 4.x's coordinator), so the SDK reports it as a HostFailure with them.
import { MemoryStore } from "./kvstore.mjs";

const utf8Length = (key) => Buffer.byteLength(key, "utf8");

/** Byte order of the keys' UTF-8, as BoltDB's cursor walks them. */
export const byteOrder = (a, b) => Buffer.compare(Buffer.from(a, "utf8"), Buffer.from(b, "utf8"));

/** BoltDB through hord's bbolt driver: keys in byte order, `keys` of an empty store is null. */
export class BoltStore extends MemoryStore {
  static MAX_KEY = 32768;
  static MAX_VALUE = 2 ** 31 - 2;

  set(key, value) {
    // hord's checks (empty key, empty data) come first, then bbolt's Put.
    if (key !== "" && value.length !== 0) {
      const tooLarge = utf8Length(key) > BoltStore.MAX_KEY ? "key too large" : value.length > BoltStore.MAX_VALUE ? "value too large" : null;
      if (tooLarge) throw new Error(`error while executing Set transaction - error while executing Set - ${tooLarge}`);
    }
    super.set(key, value);
  }

  keys() {
    const keys = super.keys();
    return keys && keys.sort(byteOrder);
  }
}

/** Cassandra through hord's Cassandra driver (gocql): one table `hord (key text, data blob)`. */
export class CassandraStore extends MemoryStore {
  static MAX_KEY = 65535;
  static MAX_MUTATION = 16 * 1024 * 1024;

  #checkKey(key) {
    const n = utf8Length(key);
    if (n > CassandraStore.MAX_KEY) throw new Error(`Key length of ${n} is longer than maximum of ${CassandraStore.MAX_KEY}`);
  }

  get(key) {
    if (key !== "") this.#checkKey(key);
    return super.get(key);
  }

  set(key, value) {
    if (key !== "" && value.length !== 0) {
      this.#checkKey(key);
      // The mutation carries the key, the value and some framing (about 40 bytes here).
      const size = utf8Length(key) + value.length + 40;
      if (size > CassandraStore.MAX_MUTATION) throw new Error(`Rejected an oversized mutation (${size}/${CassandraStore.MAX_MUTATION}) for keyspace: tarmac. Top keys are: hord.${key}`);
    }
    super.set(key, value);
  }

  delete(key) {
    if (key !== "") this.#checkKey(key);
    super.delete(key);
  }

  /** `SELECT key FROM hord`: in token order (Murmur3Partitioner), null when empty. */
  keys() {
    const keys = super.keys();
    return keys && keys.map((k) => [murmur3Token(Buffer.from(k, "utf8")), k]).sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)).map(([, k]) => k);
  }
}

// Cassandra's Murmur3Partitioner token: the first half of MurmurHash3 x64 128 (seed 0) as a
// signed 64-bit number, with Cassandra's tail quirk (the tail's bytes are sign-extended).
const M64 = (1n << 64n) - 1n;
const C1 = 0x87c37b91114253d5n, C2 = 0x4cf5ad432745937fn;
const rotl = (x, r) => ((x << r) | (x >> (64n - r))) & M64;
const mul = (a, b) => (a * b) & M64;
function fmix(k) {
  k ^= k >> 33n; k = mul(k, 0xff51afd7ed558ccdn);
  k ^= k >> 33n; k = mul(k, 0xc4ceb9fe1a85ec53n);
  return k ^ (k >> 33n);
}
export function murmur3Token(key) {
  let h1 = 0n, h2 = 0n;
  const blocks = key.length >> 4;
  for (let i = 0; i < blocks; i++) {
    let k1 = key.readBigUInt64LE(i * 16), k2 = key.readBigUInt64LE(i * 16 + 8);
    h1 ^= mul(rotl(mul(k1, C1), 31n), C2);
    h1 = (mul((rotl(h1, 27n) + h2) & M64, 5n) + 0x52dce729n) & M64;
    h2 ^= mul(rotl(mul(k2, C2), 33n), C1);
    h2 = (mul((rotl(h2, 31n) + h1) & M64, 5n) + 0x38495ab5n) & M64;
  }
  const tail = blocks * 16, rest = key.length & 15;
  const signed = (i) => BigInt.asUintN(64, BigInt(key.readInt8(tail + i)));
  let k1 = 0n, k2 = 0n;
  for (let i = rest - 1; i >= 8; i--) k2 ^= (signed(i) << BigInt((i - 8) * 8)) & M64;
  if (rest > 8) h2 ^= mul(rotl(mul(k2, C2), 33n), C1);
  for (let i = Math.min(rest, 8) - 1; i >= 0; i--) k1 ^= (signed(i) << BigInt(i * 8)) & M64;
  if (rest > 0) h1 ^= mul(rotl(mul(k1, C1), 31n), C2);
  const len = BigInt(key.length);
  h1 ^= len; h2 ^= len;
  h1 = (h1 + h2) & M64; h2 = (h2 + h1) & M64;
  h1 = fmix(h1); h2 = fmix(h2);
  h1 = (h1 + h2) & M64;
  const token = BigInt.asIntN(64, h1);
  return token === -(1n << 63n) ? (1n << 63n) - 1n : token;
}
