import type { StructLayout } from './layout.js';
import { CtxReadSet } from './read-set.js';

const encoder = new TextEncoder();

/**
 * The bytes of one context struct: built on the host before a hook copies
 * them into each attached program's arena, or written in place, in an
 * arena's ctx slot (`bytes` given: a view of exactly the struct's bytes).
 * Strings are copied with a bounded length and always NUL-terminated, as
 * the kernel's fixed `char[]` tracepoint fields are. Fields are written
 * into a cleared image (clear(), once per event): str() and raw() leave
 * the bytes after what they copy as they are, zero. With a read set
 * (the bytes the attached programs read), clear() zeroes only those, and
 * fills may skip fields that reads() says no program reads.
 */
export class CtxImage {
  readonly bytes: Uint8Array;
  readonly view: DataView;
  /**
   * The struct's whole 8-byte words, two ways: as doubles, which clear()
   * zeroes with inline stores (fill() is a call into the runtime, which
   * costs more than the stores on a ctx of a few hundred bytes), and as
   * u64s, which take a bigint without a conversion call (DataView's
   * setBigUint64 is one; `a - b` stored here allocates no BigInt).
   */
  private readonly doubles: Float64Array;
  private readonly u64s: BigUint64Array;
  /** The struct's whole 4-byte words, in the host's byte order (for copying blocks of fields word by word). */
  readonly words: Uint32Array;

  /** The bytes some program reads (all of them unless a hook says otherwise). */
  readSet: CtxReadSet;

  constructor(readonly layout: StructLayout, bytes?: Uint8Array, readSet?: CtxReadSet) {
    this.readSet = readSet ?? CtxReadSet.all(layout.size);
    const b = bytes ?? new Uint8Array(layout.size);
    if (b.byteOffset % 8 !== 0) throw new RangeError(`ctx image of ${layout.name}: its bytes must start 8-byte aligned`);
    this.bytes = b;
    this.view = new DataView(b.buffer, b.byteOffset, b.byteLength);
    this.doubles = new Float64Array(b.buffer, b.byteOffset, b.byteLength >> 3);
    this.u64s = new BigUint64Array(b.buffer, b.byteOffset, b.byteLength >> 3);
    this.words = new Uint32Array(b.buffer, b.byteOffset, b.byteLength >> 2);
  }

  /** Zeroes every byte a program reads (each event starts from a clean struct). */
  clear(): this {
    const set = this.readSet;
    if (set.all) {
      this.zero(0, this.bytes.length);
    } else {
      const r = set.clearRanges;
      for (let i = 0; i < r.length; i += 2) this.zero(r[i], r[i + 1]);
    }
    return this;
  }

  /** Whether a program may read any of bytes [offset, offset + length) (fills skip fields that none reads). */
  reads(offset: number, length: number): boolean {
    return this.readSet.reads(offset, length);
  }

  /** Zeroes bytes [from, to): single bytes up to the first whole word, words (+0.0 is all zero bits), then the last bytes. */
  private zero(from: number, to: number): void {
    const bytes = this.bytes;
    let i = from;
    for (; i < to && (i & 7) !== 0; i++) bytes[i] = 0;
    const doubles = this.doubles;
    const words = to >> 3;
    for (let w = i >> 3; w < words; w++) doubles[w] = 0;
    for (i = Math.max(i, words << 3); i < to; i++) bytes[i] = 0;
  }

  u8(offset: number, v: number): void { this.view.setUint8(offset, v & 0xff); }
  u16(offset: number, v: number): void { this.view.setUint16(offset, v & 0xffff, true); }
  u32(offset: number, v: number): void { this.view.setUint32(offset, v >>> 0, true); }
  /** A signed 32-bit value (`int`). */
  s32(offset: number, v: number): void { this.view.setInt32(offset, v | 0, true); }
  /** 64-bit, from a bigint or a safe integer (negative numbers as two's complement). */
  u64(offset: number, v: bigint | number): void {
    if (typeof v === 'number' && Number.isSafeInteger(v)) {
      // Two 32-bit words: no BigInt allocated on this hot path.
      this.view.setUint32(offset, v >>> 0, true);
      this.view.setUint32(offset + 4, Math.floor(v / 0x1_0000_0000) >>> 0, true);
      return;
    }
    if (typeof v === 'bigint') this.bigU64(offset, v);
    else this.view.setBigUint64(offset, BigInt.asUintN(64, BigInt(Math.trunc(v))), true);
  }

  /** 64-bit from a bigint, mod 2^64 (u64 fields are 8-aligned in a struct: one typed-array store). */
  bigU64(offset: number, v: bigint): void {
    if ((offset & 7) === 0) this.u64s[offset >> 3] = v;
    else this.view.setBigUint64(offset, BigInt.asUintN(64, v), true);
  }

  /**
   * Copies `text` as UTF-8 into a cleared `char[capacity]` field, cut so
   * that a NUL always fits (and never in the middle of a UTF-8 sequence);
   * returns the full UTF-8 length, so a ctx can say how long the string
   * really was.
   */
  str(offset: number, capacity: number, text: string): number {
    // ASCII that fits (methods, paths, hosts, almost always): byte by byte, faster than encodeInto for short text.
    const n = text.length;
    if (n < capacity) {
      const bytes = this.bytes;
      let i = 0;
      for (; i < n; i++) {
        const c = text.charCodeAt(i);
        if (c >= 0x80) break;
        bytes[offset + i] = c;
      }
      if (i === n) return n;
      // Not ASCII: encodeInto writes it whole (over the bytes written so far).
    }
    const target = this.bytes.subarray(offset, offset + capacity - 1);
    const { read, written } = encoder.encodeInto(text, target);
    return read === text.length ? written : Buffer.byteLength(text, 'utf8');
  }

  /**
   * A string field and the u16 field beside it that says its full UTF-8
   * length (at most 0xffff), as str() writes them; neither when no program
   * reads either.
   */
  strWithLength(lengthOffset: number, offset: number, capacity: number, text: string): void {
    if (this.reads(lengthOffset, 2) || this.reads(offset, capacity)) this.u16(lengthOffset, Math.min(this.str(offset, capacity, text), 0xffff));
  }

  /** Copies raw bytes into a cleared field of `capacity` bytes; returns how many fitted. */
  raw(offset: number, capacity: number, data: Uint8Array): number {
    const n = Math.min(capacity, data.length);
    this.bytes.set(n === data.length ? data : data.subarray(0, n), offset);
    return n;
  }
}
