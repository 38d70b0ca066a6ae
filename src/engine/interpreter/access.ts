import { ARENA_BASE_HI } from '../../memory/arena.js';
import { MemoryAccessError } from '../../memory/errors.js';
import type { Machine } from './machine.js';

/** Unchecked mode caches the whole arena as one range: any access inside it goes. */
const UNCHECKED_START = 0;

/**
 * Slow path of a load or store whose address missed the cached region:
 * computes `base + off` in 64 bits, checks that it lies in the arena (as
 * ARENA_BASE + offset, or as a bare offset) and (in
 * checked mode) in one region that allows the access, caches that region's
 * bounds, and returns the arena offset. Throws MemoryAccessError otherwise.
 */
export function resolveAccess(m: Machine, pc: number, baseLo: number, baseHi: number, off: number, size: number, write: boolean): number {
  const sum = (baseLo >>> 0) + off;
  const carry = sum < 0 ? -1 : sum > 0xffffffff ? 1 : 0;
  const hi = (baseHi + carry) | 0;
  const offset = sum >>> 0;
  // Context fields that hold packet addresses (xdp_md.data, __sk_buff.data...)
  // are 32 bits wide, so they carry the bare arena offset: a pointer whose
  // high half is 0 addresses the arena too, as it does in the JIT.
  if (hi !== ARENA_BASE_HI && hi !== 0) {
    throw new MemoryAccessError(pc, addressOf(hi, offset), size, write, null, 'not an arena address');
  }
  const arena = m.arena;
  if (!m.checked) {
    if (offset + size > arena.size) {
      throw new MemoryAccessError(pc, addressOf(hi, offset), size, write, null, 'beyond the arena');
    }
    m.readStart = m.writeStart = UNCHECKED_START;
    m.readEnd = m.writeEnd = arena.size;
    return offset;
  }
  arena.check(pc, offset, size, write, addressOf(hi, offset));
  const region = arena.regionAt(offset);
  if (region) {
    if (write) {
      m.writeStart = region.start;
      m.writeEnd = region.end;
    } else {
      m.readStart = region.start;
      m.readEnd = region.end;
    }
  }
  return offset;
}

const addressOf = (hi: number, offset: number): bigint => BigInt.asUintN(64, (BigInt(hi) << 32n) | BigInt(offset));
