import { ARENA_BASE } from '../../../memory/arena.js';
import { ELEM_HASH, ELEM_KEY, ELEM_NEXT, ELEM_REF } from '../../../maps/hash-table.js';
import type { InlineSite } from '../inline.js';
import { I32, Op, VOID } from '../wasm-opcodes.js';
import { withCpuGuard } from './cpu-guard.js';
import { emitMapHash } from './jhash-emitter.js';

/** What an inlined hash lookup needs to know of the map's table (src/maps/hash-table.ts). */
export interface HashLayout {
  readonly keySize: number;
  readonly bucketsOffset: number;
  /** A power of two. */
  readonly nBuckets: number;
  /** Offset of the value area in an element: ELEM_KEY + round_up(key_size, 8). */
  readonly valueOffsetInElem: number;
  /** lru_hash and lru_percpu_hash: a lookup sets the element's reference bit. */
  readonly lru: boolean;
  /** CPUs of a per-CPU hash (0 otherwise), and the bytes between their values. */
  readonly perCpu: number;
  readonly stride: number;
}

/**
 * bpf_map_lookup_elem on the hash family without leaving WebAssembly: the
 * table's own walk (src/maps/hash-table.ts find()) over its arena-resident
 * buckets: the key's hash (jhash, seed 0), its bucket's chain followed
 * through the elements' next offsets, an element matching when its stored
 * hash and then every key byte are equal; r0 = ARENA_BASE + the element's
 * value (+ cpu * stride for per-CPU maps), or NULL at the end of the chain.
 */
export function emitHashLookup(site: InlineSite, map: HashLayout): void {
  withCpuGuard(site, map.perCpu, () => emitWalk(site, map));
}

function emitWalk(site: InlineSite, map: HashLayout): void {
  const e = site.emitter;
  const w = e.w;
  const locals = { key: e.scratch(I32, 0), a: e.scratch(I32, 1), b: e.scratch(I32, 2), c: e.scratch(I32, 3) };
  const elem = e.scratch(I32, 4);
  const markLoad = (): void => e.markTrap(site.pc);
  e.get(2);
  w.u8(Op.i32_wrap_i64);
  e.localSet(locals.key);
  emitMapHash(e, map.keySize, locals, markLoad);
  // elem = buckets[hash & (nBuckets - 1)]
  e.localGet(locals.c);
  e.i32(map.nBuckets - 1);
  w.u8(Op.i32_and);
  e.i32(2);
  w.u8(Op.i32_shl);
  e.mem(Op.i32_load, 2, map.bucketsOffset);
  e.localSet(elem);

  w.u8x2(Op.block, VOID); // $done
  w.u8x2(Op.loop, VOID); // $walk
  // end of the chain: NULL
  e.localGet(elem);
  w.u8(Op.i32_eqz);
  w.u8x2(Op.if, VOID);
  e.i64(0);
  e.set(0);
  w.u8x2(Op.br, 2);
  w.u8(Op.end);
  // same hash, then same key bytes
  e.localGet(elem);
  e.mem(Op.i32_load, 2, ELEM_HASH);
  e.localGet(locals.c);
  w.u8(Op.i32_eq);
  w.u8x2(Op.if, VOID);
  emitKeyEquals(site, elem, locals.key, map.keySize, markLoad);
  w.u8x2(Op.if, VOID);
  if (map.lru) {
    e.localGet(elem);
    e.i32(1);
    e.mem(Op.i32_store8, 0, ELEM_REF);
  }
  e.localGet(elem);
  w.u8(Op.i64_extend_i32_u);
  e.i64big(ARENA_BASE + BigInt(map.valueOffsetInElem));
  w.u8(Op.i64_add);
  if (map.perCpu > 0) {
    site.emitRunCpu();
    w.u8(Op.i64_extend_i32_u);
    e.i64(map.stride);
    w.u8(Op.i64_mul);
    w.u8(Op.i64_add);
  }
  e.set(0);
  w.u8x2(Op.br, 3);
  w.u8(Op.end);
  w.u8(Op.end);
  // next element of the bucket
  e.localGet(elem);
  e.mem(Op.i32_load, 2, ELEM_NEXT);
  e.localSet(elem);
  w.u8x2(Op.br, 0);
  w.u8(Op.end); // loop
  w.u8(Op.end); // block
}

/** Pushes 1 when the key_size bytes at the element's key equal those at `key` (8, 4, 2, then 1-byte compares, and-ed). */
function emitKeyEquals(site: InlineSite, elem: number, key: number, keySize: number, markLoad: () => void): void {
  const e = site.emitter;
  const w = e.w;
  let off = 0;
  let first = true;
  for (const [size, load, eq] of [[8, Op.i64_load, Op.i64_eq], [4, Op.i32_load, Op.i32_eq], [2, Op.i32_load16_u, Op.i32_eq], [1, Op.i32_load8_u, Op.i32_eq]] as const) {
    while (keySize - off >= size) {
      e.localGet(elem);
      e.mem(load, 0, ELEM_KEY + off);
      e.localGet(key);
      markLoad();
      e.mem(load, 0, off);
      w.u8(eq);
      if (!first) w.u8(Op.i32_and);
      first = false;
      off += size;
    }
  }
}
