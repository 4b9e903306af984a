// The growing output buffer the test guests write their answers into.
import { ok, Result } from "tarmac-as/assembly";
/** Bytes appended at the end; `room(n)` gives the address of n more. */
export class Out {
  buf: Uint8Array = new Uint8Array(64);
  len: i32 = 0;
  room(n: i32): usize {
    if (this.len + n > this.buf.length) {
      let cap = this.buf.length << 1;
      while (cap < this.len + n) cap <<= 1;
      const next = new Uint8Array(cap);
      memory.copy(next.dataStart, this.buf.dataStart, this.len);
      this.buf = next;
    }
    const p = this.buf.dataStart + this.len;
    this.len += n;
    return p;
  }
  u8(v: u8): void { store<u8>(this.room(1), v); }
  u32(v: u32): void { store<u32>(this.room(4), v); }
  bytes(p: usize, n: usize): void { memory.copy(this.room(<i32>n), p, n); }
  utf8(s: string): void { const b = String.UTF8.encode(s); this.u32(b.byteLength); this.bytes(changetype<usize>(b), b.byteLength); }
  utf16(s: string): void { this.bytes(changetype<usize>(s), s.length << 1); }
  result(): Result<Uint8Array> { return ok(this.buf.subarray(0, this.len)); }
}
