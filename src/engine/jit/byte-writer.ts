/** A growable byte buffer with WebAssembly's LEB128 encodings. */
export class ByteWriter {
  private buf: Uint8Array;
  length = 0;

  constructor(capacity = 256) {
    this.buf = new Uint8Array(capacity);
  }

  private grow(need: number): void {
    let cap = this.buf.length * 2;
    while (cap < this.length + need) cap *= 2;
    const next = new Uint8Array(cap);
    next.set(this.buf.subarray(0, this.length));
    this.buf = next;
  }

  u8(b: number): void {
    if (this.length === this.buf.length) this.grow(1);
    this.buf[this.length++] = b;
  }

  /** Two bytes: an opcode and one immediate byte (a type or a small index). */
  u8x2(a: number, b: number): void {
    if (this.length + 2 > this.buf.length) this.grow(2);
    this.buf[this.length++] = a;
    this.buf[this.length++] = b;
  }

  bytes(data: Uint8Array): void {
    if (this.length + data.length > this.buf.length) this.grow(data.length);
    this.buf.set(data, this.length);
    this.length += data.length;
  }

  /** Unsigned LEB128 of a non-negative integer below 2^32. */
  uleb(n: number): void {
    n >>>= 0;
    do {
      let b = n & 0x7f;
      n >>>= 7;
      if (n !== 0) b |= 0x80;
      this.u8(b);
    } while (n !== 0);
  }

  /** Signed LEB128 of a 32-bit integer. */
  sleb32(n: number): void {
    n |= 0;
    for (;;) {
      const b = n & 0x7f;
      n >>= 7;
      if ((n === 0 && (b & 0x40) === 0) || (n === -1 && (b & 0x40) !== 0)) {
        this.u8(b);
        return;
      }
      this.u8(b | 0x80);
    }
  }

  /** Signed LEB128 of any safe integer (e.g. an unsigned 32-bit value as an i64 constant). */
  slebSafe(n: number): void {
    if (n >= -0x8000_0000 && n <= 0x7fff_ffff) {
      this.sleb32(n);
      return;
    }
    for (;;) {
      const b = ((n % 128) + 128) % 128;
      n = (n - b) / 128;
      if ((n === 0 && (b & 0x40) === 0) || (n === -1 && (b & 0x40) !== 0)) {
        this.u8(b);
        return;
      }
      this.u8(b | 0x80);
    }
  }

  /** Signed LEB128 of a 64-bit integer (any bigint, taken modulo 2^64). */
  sleb64(v: bigint): void {
    let n = BigInt.asIntN(64, v);
    if (n >= -0x8000_0000n && n <= 0x7fff_ffffn) {
      this.sleb32(Number(n));
      return;
    }
    for (;;) {
      const b = Number(n & 0x7fn);
      n >>= 7n;
      if ((n === 0n && (b & 0x40) === 0) || (n === -1n && (b & 0x40) !== 0)) {
        this.u8(b);
        return;
      }
      this.u8(b | 0x80);
    }
  }

  /** A name: its UTF-8 length then its bytes. */
  name(s: string): void {
    const data = new TextEncoder().encode(s);
    this.uleb(data.length);
    this.bytes(data);
  }

  /** The bytes written so far (a view, valid until the next write). */
  view(): Uint8Array {
    return this.buf.subarray(0, this.length);
  }
}
