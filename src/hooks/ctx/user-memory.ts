import { ARENA_BASE_HI } from '../../memory/arena.js';
import type { CtxImage } from './image.js';
import type { ArenaSlot } from '../hook-point.js';

const encoder = new TextEncoder();

/**
 * "User memory" for one event: strings and buffers a context points to,
 * staged on the host and copied into each arena's scratch area, whose
 * address differs per arena. Pointer fields of the ctx are recorded as
 * fixups and patched per arena (`place`), so bpf_probe_read_user() and
 * bpf_probe_read_user_str() read them like memory of the traced process.
 */
export class UserMemory {
  readonly bytes: Uint8Array;
  private used = 0;
  private readonly fixups: number[] = [];

  constructor(readonly capacity: number, private readonly maxItem: number) {
    this.bytes = new Uint8Array(capacity);
  }

  reset(): void {
    this.used = 0;
    this.fixups.length = 0;
  }

  /**
   * Stages a NUL-terminated UTF-8 string; records that the u64 at
   * `ctxField` points to it. Returns the string's full UTF-8 length, and
   * whether it was cut (or left out, when user memory is full: pointer 0).
   */
  string(ctx: CtxImage, ctxField: number, text: string): { length: number; truncated: boolean } {
    const room = Math.min(this.maxItem, this.capacity - this.used);
    if (room < 1) return { length: Buffer.byteLength(text), truncated: true };
    const { read, written } = encoder.encodeInto(text, this.bytes.subarray(this.used, this.used + room - 1));
    this.bytes[this.used + written] = 0;
    this.point(ctxField, this.used);
    this.used = (this.used + written + 1 + 7) & ~7;
    const whole = read === text.length;
    return { length: whole ? written : Buffer.byteLength(text), truncated: !whole };
  }

  /** Stages raw bytes (at most the per-item limit); as string(). */
  data(ctx: CtxImage, ctxField: number, data: Uint8Array): { length: number; truncated: boolean } {
    const n = Math.min(data.length, this.maxItem, this.capacity - this.used);
    if (n === 0 && data.length > 0) return { length: data.length, truncated: true };
    this.bytes.set(data.subarray(0, n), this.used);
    this.point(ctxField, this.used);
    this.used = (this.used + n + 7) & ~7;
    return { length: data.length, truncated: n < data.length };
  }

  private point(ctxField: number, at: number): void {
    this.fixups.push(ctxField, at);
  }

  /** Copies the staged bytes into a slot's scratch area and the ctx with its pointers patched for that arena. */
  place(ctx: CtxImage, slot: ArenaSlot): void {
    const arena = slot.arena;
    // Pointers are ARENA_BASE + offset, and ARENA_BASE's low 32 bits are 0: the high word is ARENA_BASE's.
    const hi = ARENA_BASE_HI >>> 0;
    for (let i = 0; i < this.fixups.length; i += 2) {
      ctx.view.setUint32(this.fixups[i], slot.scratchOffset + this.fixups[i + 1], true);
      ctx.view.setUint32(this.fixups[i] + 4, hi, true);
    }
    const bytes = arena.bytes;
    if (this.used > 0) bytes.set(this.bytes.subarray(0, this.used), slot.scratchOffset);
    bytes.set(ctx.bytes, slot.ctxOffset);
  }
}
