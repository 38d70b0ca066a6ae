import { ARENA_BASE } from '../../../memory/arena.js';
import type { InlineSite } from '../inline.js';
import { I32, I64, Op } from '../wasm-opcodes.js';
import { withCpuGuard } from './cpu-guard.js';

/** What an inlined array lookup needs to know of the map (src/maps/array-map.ts, fixed when the map is created). */
export interface ArrayLayout {
  readonly maxEntries: number;
  /** Arena offset of element 0 (CPU 0's value for per-CPU arrays). */
  readonly valuesOffset: number;
  /** Bytes between the values of consecutive CPUs (consecutive elements for plain arrays). */
  readonly stride: number;
  /** CPUs of a percpu_array; 0 for a plain array. */
  readonly perCpu: number;
}

/**
 * bpf_map_lookup_elem on an array or percpu_array as address arithmetic, as
 * the kernel's array_map_gen_lookup(): the u32 index at r2, NULL (0) when it
 * is max_entries or more, else ARENA_BASE + values + index * element stride
 * (+ cpu * stride for the run's CPU of a per-CPU array). A run whose CPU is
 * not one the map has takes the helper call instead, which reports it.
 */
export function emitArrayLookup(site: InlineSite, map: ArrayLayout): void {
  withCpuGuard(site, map.perCpu, () => emitIndexing(site, map));
}

function emitIndexing(site: InlineSite, map: ArrayLayout): void {
  const e = site.emitter;
  const w = e.w;
  const index = e.scratch(I32, 0);
  e.get(2);
  w.u8(Op.i32_wrap_i64);
  e.markTrap(site.pc);
  e.mem(Op.i32_load, 0, 0);
  e.localTee(index);
  e.i32(map.maxEntries | 0);
  w.u8(Op.i32_lt_u);
  w.u8x2(Op.if, I64);
  e.localGet(index);
  w.u8(Op.i64_extend_i32_u);
  e.i64(map.stride * Math.max(1, map.perCpu));
  w.u8(Op.i64_mul);
  e.i64big(ARENA_BASE + BigInt(map.valuesOffset));
  w.u8(Op.i64_add);
  if (map.perCpu > 0) {
    site.emitRunCpu();
    w.u8(Op.i64_extend_i32_u);
    e.i64(map.stride);
    w.u8(Op.i64_mul);
    w.u8(Op.i64_add);
  }
  w.u8(Op.else);
  e.i64(0);
  w.u8(Op.end);
  e.set(0);
}
