import { ArenaFullError, MemoryAccessError } from './errors.js';
import type { Region, RegionKind } from './region.js';

/**
 * Program-visible address of arena offset 0. Its low 32 bits are zero, so an
 * engine turns a pointer into an offset by taking its low 32 bits (after checking
 * the high ones, in checked modes) and the JIT by `i32.wrap_i64`. Pointers are
 * therefore never 0, and look like the kernel's direct-map addresses.
 */
export const ARENA_BASE = 0xffff_8880_0000_0000n;
export const ARENA_BASE_HI = Number(ARENA_BASE >> 32n) | 0;

const PAGE = 65536;
/** Offsets below this are never handed out, so that offset 0 stays a trap. */
const RESERVED_PREFIX = 4096;
/**
 * Arena offset of a memo of one region, its start and end as two u32s, in
 * the reserved prefix: generated code keeps there the last region it found
 * an access inside (the JIT's inlined probe reads), and the arena zeroes it
 * whenever its region table changes, so that it never names a region that
 * is gone. (Programs cannot reach it: no region covers the prefix.)
 */
export const REGION_MEMO = 16;
const MAX_PAGES = 65536; // 4 GiB: the whole wasm32 address space

/**
 * The arena: one growable WebAssembly.Memory holding every byte a program can
 * touch (stack, ctx, packet, map keys and values, ring buffers, global data),
 * with an allocator and a table of regions for checked accesses.
 */
export class Arena {
  readonly memory: WebAssembly.Memory;
  private _bytes!: Uint8Array;
  private _view!: DataView;
  private top = RESERVED_PREFIX;
  /** Free blocks by size, reused first-fit (sizes are rounded to 8). */
  private readonly freeBlocks = new Map<number, number[]>();
  private readonly sizes = new Map<number, number>();
  /** Regions sorted by start; they never overlap. */
  private regions: Region[] = [];
  private lastHit: Region | null = null;
  /** Bumped whenever the region table changes, so engines can drop caches. */
  generation = 0;

  constructor(initialBytes = PAGE * 16) {
    this.memory = new WebAssembly.Memory({ initial: Math.ceil(initialBytes / PAGE), maximum: MAX_PAGES });
    this.refreshViews();
  }

  /** Byte view of the whole arena; re-read it after any allocation (growth detaches old views). */
  // Growing a WebAssembly.Memory detaches its old buffer, and views of a
  // detached buffer have length 0: checking that is much cheaper than
  // reading memory.buffer on every access (helpers access views constantly).
  get bytes(): Uint8Array {
    if (this._bytes.length === 0) this.refreshViews();
    return this._bytes;
  }

  get view(): DataView {
    if (this._bytes.length === 0) this.refreshViews();
    return this._view;
  }

  get size(): number {
    return this.memory.buffer.byteLength;
  }

  private refreshViews(): void {
    this._bytes = new Uint8Array(this.memory.buffer);
    this._view = new DataView(this.memory.buffer);
  }

  /** Allocates `size` zeroed bytes aligned to `align` (a power of two, at most 4096); returns the offset. */
  alloc(size: number, align = 8): number {
    const rounded = Math.max(8, (size + 7) & ~7);
    const reuse = this.takeFree(rounded, align);
    if (reuse !== undefined) {
      this.bytes.fill(0, reuse, reuse + rounded);
      this.sizes.set(reuse, rounded);
      return reuse;
    }
    const start = (this.top + align - 1) & ~(align - 1);
    const end = start + rounded;
    if (end > this.size) {
      const pages = Math.ceil((end - this.size) / PAGE);
      if (this.size / PAGE + pages > MAX_PAGES) throw new ArenaFullError(`arena cannot grow to ${end} bytes`);
      this.memory.grow(Math.max(pages, Math.ceil(this.size / PAGE / 4)));
      this.refreshViews();
    }
    this.top = end;
    this.sizes.set(start, rounded);
    return start;
  }

  /** A freed block of exactly `size` bytes whose offset has the alignment asked for. */
  private takeFree(size: number, align: number): number | undefined {
    const list = this.freeBlocks.get(size);
    if (!list) return undefined;
    for (let i = list.length - 1; i >= 0; i--) {
      const offset = list[i];
      if ((offset & (align - 1)) !== 0) continue;
      list[i] = list[list.length - 1];
      list.pop();
      return offset;
    }
    return undefined;
  }

  /** Returns a block from `alloc` for reuse. */
  free(offset: number): void {
    const size = this.sizes.get(offset);
    if (size === undefined) throw new Error(`arena: free of unallocated offset ${offset}`);
    this.sizes.delete(offset);
    let list = this.freeBlocks.get(size);
    if (!list) this.freeBlocks.set(size, (list = []));
    list.push(offset);
  }

  /** Program-visible pointer of an arena offset. */
  pointer(offset: number): bigint {
    return ARENA_BASE + BigInt(offset);
  }

  /** Arena offset of a pointer, or -1 when it does not point into the arena. */
  offsetOf(pointer: bigint): number {
    const off = BigInt.asUintN(64, pointer) - ARENA_BASE;
    return off >= 0n && off < BigInt(this.size) ? Number(off) : -1;
  }

  /** Declares a region programs may access; regions must not overlap. */
  addRegion(start: number, size: number, kind: RegionKind, name: string, writable = true): Region {
    const region: Region = { start, end: start + size, kind, name, writable };
    // Binary search for the first region starting at or after `start`: maps add
    // one region per value, so a linear scan would make map creation quadratic.
    let lo = 0;
    let hi = this.regions.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.regions[mid].start >= start) hi = mid;
      else lo = mid + 1;
    }
    const at = lo;
    const before = this.regions[at - 1];
    const after = this.regions[at];
    if ((before && before.end > start) || (after && after.start < region.end)) {
      throw new Error(`arena: region ${name} [${start}, ${region.end}) overlaps ${before?.end > start ? before.name : after.name}`);
    }
    this.regions.splice(at, 0, region);
    this.regionsChanged();
    return region;
  }

  removeRegion(region: Region): void {
    let lo = 0;
    let hi = this.regions.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.regions[mid].start >= region.start) hi = mid;
      else lo = mid + 1;
    }
    if (this.regions[lo] === region) this.regions.splice(lo, 1);
    if (this.lastHit === region) this.lastHit = null;
    this.regionsChanged();
  }

  private regionsChanged(): void {
    this.generation++;
    const view = this.view;
    view.setUint32(REGION_MEMO, 0, true);
    view.setUint32(REGION_MEMO + 4, 0, true);
  }

  /** The region holding offset `start`, or null. */
  regionAt(start: number): Region | null {
    const hit = this.lastHit;
    if (hit && start >= hit.start && start < hit.end) return hit;
    let lo = 0;
    let hi = this.regions.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const r = this.regions[mid];
      if (start < r.start) hi = mid - 1;
      else if (start >= r.end) lo = mid + 1;
      else return (this.lastHit = r);
    }
    return null;
  }

  /**
   * Checks that `size` bytes at `offset` lie in one region that allows the
   * access; throws MemoryAccessError naming pc, address (as the program
   * wrote it, default ARENA_BASE + offset), size and region.
   */
  check(pc: number, offset: number, size: number, write: boolean, address = ARENA_BASE + BigInt(offset)): void {
    const r = this.regionAt(offset);
    if (r && offset + size <= r.end && (!write || r.writable)) return;
    const detail = !r ? '' : offset + size > r.end ? `region ends at 0x${(ARENA_BASE + BigInt(r.end)).toString(16)}` : 'region is read-only';
    throw new MemoryAccessError(pc, address, size, write, r ? r.name : null, detail);
  }

  /** All regions, for diagnostics. */
  listRegions(): readonly Region[] {
    return this.regions;
  }
}
