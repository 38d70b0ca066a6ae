import { ARENA_BASE_HI } from '../../memory/arena.js';
import type { CtxImage } from './image.js';
import type { ArenaSlot } from '../hook-point.js';

const encoder = new TextEncoder();
/** Staged bytes up to this many are copied into the arena word by word: cheaper than a subarray view per event. */
const SMALL_COPY = 512;

/**
 * "User memory" for one event: strings and buffers a context points to,
 * staged on the host and copied into each arena's scratch area, whose
 * address differs per arena. Pointer fields of the ctx are recorded as
 * fixups and patched per arena (`place`), so bpf_probe_read_user() and
 * bpf_probe_read_user_str() read them like memory of the traced process.
 * When every attached program shares one arena, items are written in
 * place instead, in its scratch area, with their final pointers.
 * Probes fire on every call of a function: nothing here allocates per event.
 */
export class UserMemory {
  /** The staging area. */
  readonly bytes: Uint8Array;
  private readonly words: Uint32Array;
  /** Where this event's items go: the staging area, or an arena's bytes (in place). */
  private out: Uint8Array;
  /** Offset in `out` of user memory's byte 0: 0 when staging, the scratch area's offset in place. */
  private base = 0;
  private inPlace = false;
  /** Bytes used, a multiple of 8 (every item starts 8-aligned). */
  private used = 0;
  /** ctx field, staged offset; pairs, `fixupCount` of them in use. */
  private readonly fixups: number[] = [];
  private fixupCount = 0;
  /** Whether the last string() or data() was cut (or left out, when user memory was full). */
  lastTruncated = false;

  constructor(readonly capacity: number, private readonly maxItem: number) {
    this.bytes = new Uint8Array(capacity);
    this.words = new Uint32Array(this.bytes.buffer, 0, capacity >> 2);
    this.out = this.bytes;
  }

  /**
   * Starts an event: items are staged for place(), or, given the slot of
   * the one arena every attached program uses, written in place in its
   * scratch area (then place() has nothing to do).
   */
  reset(inPlace: ArenaSlot | null = null): void {
    this.used = 0;
    this.fixupCount = 0;
    if (inPlace === null) {
      this.out = this.bytes;
      this.base = 0;
      this.inPlace = false;
    } else {
      this.out = inPlace.arena.bytes;
      this.base = inPlace.scratchOffset;
      this.inPlace = true;
    }
  }

  /**
   * Stages a NUL-terminated UTF-8 string; records that the u64 at
   * `ctxField` points to it. Returns the string's full UTF-8 length;
   * `lastTruncated` tells whether it was cut (or left out, when user memory
   * is full: pointer 0).
   */
  string(ctx: CtxImage, ctxField: number, text: string): number {
    const room = Math.min(this.maxItem, this.capacity - this.used);
    if (room < 1) {
      this.lastTruncated = true;
      return Buffer.byteLength(text);
    }
    const at = this.used;
    const bytes = this.out;
    const base = this.base;
    const n = text.length;
    let written = 0;
    let whole = false;
    // ASCII that fits (SQL, paths, ids: almost always) byte by byte; the rest through the encoder.
    if (n < room) {
      let i = 0;
      for (; i < n; i++) {
        const c = text.charCodeAt(i);
        if (c >= 0x80) break;
        bytes[base + at + i] = c;
      }
      if (i === n) {
        written = n;
        whole = true;
      }
    }
    if (!whole) {
      const r = encoder.encodeInto(text, bytes.subarray(base + at, base + at + room - 1));
      written = r.written;
      whole = r.read === n;
    }
    bytes[base + at + written] = 0;
    this.point(ctx, ctxField, at);
    this.used = (at + written + 1 + 7) & ~7;
    this.lastTruncated = !whole;
    return whole ? written : Buffer.byteLength(text);
  }

  /** Stages raw bytes (at most the per-item limit); as string(). */
  data(ctx: CtxImage, ctxField: number, data: Uint8Array): number {
    const n = Math.min(data.length, this.maxItem, this.capacity - this.used);
    if (n === 0 && data.length > 0) {
      this.lastTruncated = true;
      return data.length;
    }
    this.out.set(n === data.length ? data : data.subarray(0, n), this.base + this.used);
    this.point(ctx, ctxField, this.used);
    this.used = (this.used + n + 7) & ~7;
    this.lastTruncated = n < data.length;
    return data.length;
  }

  /** The u64 at `ctxField` points to item `at`: now when in place, else as a fixup for place(). */
  private point(ctx: CtxImage, ctxField: number, at: number): void {
    if (this.inPlace) {
      setPointer(ctx.view, ctxField, this.base + at);
      return;
    }
    const i = 2 * this.fixupCount++;
    this.fixups[i] = ctxField;
    this.fixups[i + 1] = at;
  }

  /** Copies the staged bytes into a slot's scratch area and the ctx with its pointers patched for that arena. */
  place(ctx: CtxImage, slot: ArenaSlot): void {
    const arena = slot.arena;
    const view = ctx.view;
    for (let i = 0; i < 2 * this.fixupCount; i += 2) setPointer(view, this.fixups[i], slot.scratchOffset + this.fixups[i + 1]);
    const bytes = arena.bytes;
    const used = this.used;
    if (used > SMALL_COPY || (slot.scratchOffset & 3) !== 0) {
      if (used > 0) bytes.set(this.bytes.subarray(0, used), slot.scratchOffset);
    } else if (used > 0) {
      let words = slot.words;
      if (words === null || words.length === 0) slot.words = words = new Uint32Array(bytes.buffer);
      const from = this.words;
      const to = slot.scratchOffset >> 2;
      for (let i = 0, n = Math.min(used, this.capacity) >> 2; i < n; i++) words[to + i] = from[i];
    }
    bytes.set(ctx.bytes, slot.ctxOffset);
  }
}

/** Writes the u64 pointer to arena offset `offset` at `field`: ARENA_BASE's low 32 bits are 0, so its high word and the offset. */
function setPointer(view: DataView, field: number, offset: number): void {
  view.setUint32(field, offset, true);
  view.setUint32(field + 4, ARENA_BASE_HI >>> 0, true);
}
