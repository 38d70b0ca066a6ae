import type { StructLayout } from './layout.js';

const encoder = new TextEncoder();

/**
 * The bytes of one context struct, built on the host before a hook copies
 * them into each attached program's arena. Strings are copied with a
 * bounded length and always NUL-terminated, as the kernel's fixed `char[]`
 * tracepoint fields are.
 */
export class CtxImage {
  readonly bytes: Uint8Array;
  readonly view: DataView;

  constructor(readonly layout: StructLayout) {
    this.bytes = new Uint8Array(layout.size);
    this.view = new DataView(this.bytes.buffer);
  }

  /** Zeroes every byte (each event starts from a clean struct). */
  clear(): this {
    this.bytes.fill(0);
    return this;
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
    this.view.setBigUint64(offset, BigInt.asUintN(64, typeof v === 'bigint' ? v : BigInt(Math.trunc(v))), true);
  }

  /**
   * Copies `text` as UTF-8 into a `char[capacity]` field, cut so that a NUL
   * always fits (and never in the middle of a UTF-8 sequence); returns the
   * full UTF-8 length, so a ctx can say how long the string really was.
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
      if (i === n) {
        bytes.fill(0, offset + n, offset + capacity);
        return n;
      }
    }
    const target = this.bytes.subarray(offset, offset + capacity - 1);
    const { read, written } = encoder.encodeInto(text, target);
    this.bytes.fill(0, offset + written, offset + capacity);
    return read === text.length ? written : Buffer.byteLength(text, 'utf8');
  }

  /** Copies raw bytes into a field of `capacity` bytes (the rest zeroed); returns how many fitted. */
  raw(offset: number, capacity: number, data: Uint8Array): number {
    if (data.length === capacity) {
      this.bytes.set(data, offset);
      return capacity;
    }
    const n = Math.min(capacity, data.length);
    this.bytes.set(n === data.length ? data : data.subarray(0, n), offset);
    this.bytes.fill(0, offset + n, offset + capacity);
    return n;
  }
}
