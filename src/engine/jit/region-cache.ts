import type { Arena } from '../../memory/arena.js';
import { ARENA_BASE } from '../../memory/arena.js';
import { MemoryAccessError } from '../../memory/errors.js';

const SIZES = [1, 2, 4, 8] as const;

/**
 * Checked mode's memory of the last region read and the last region written,
 * kept in the module's globals `cache0..cache9` (ARENA_BASE + start, then one
 * limit per access size: an access of s bytes at arena offset o hits when
 * o - start < limit[s], limit[s] = max(0, length - s + 1)). Emptied when the
 * arena's region table changes (a region may have gone).
 */
export class RegionCache {
  private generation = -1;

  constructor(private readonly arena: Arena, private readonly globals: readonly WebAssembly.Global[]) {}

  /** Empties the cache if the region table changed since it was filled. */
  refresh(): void {
    if (this.globals.length > 0 && this.arena.generation !== this.generation) this.clear();
  }

  private clear(): void {
    for (const g of this.globals) g.value = 0n;
    this.generation = this.arena.generation;
  }

  /**
   * The slow path of a checked access at address `t` (base + off, signed
   * 64-bit): ARENA_BASE + o or a bare offset o, with o in one region that
   * allows the access, as the interpreter checks it (MemoryAccessError
   * otherwise); that region is then cached.
   */
  miss(t: bigint, size: number, write: number, pc: number): void {
    const isWrite = write !== 0;
    const address = BigInt.asUintN(64, t);
    const hi = address >> 32n;
    if (hi !== ARENA_BASE >> 32n && hi !== 0n) {
      throw new MemoryAccessError(pc, address, size, isWrite, null, 'not an arena address');
    }
    const offset = Number(address & 0xffff_ffffn);
    this.arena.check(pc, offset, size, isWrite, address);
    this.refresh();
    const region = this.arena.regionAt(offset);
    if (!region) return;
    const first = isWrite ? 5 : 0;
    const length = region.end - region.start;
    this.globals[first].value = ARENA_BASE + BigInt(region.start);
    SIZES.forEach((s, i) => (this.globals[first + 1 + i].value = BigInt(Math.max(0, length - s + 1))));
  }
}
