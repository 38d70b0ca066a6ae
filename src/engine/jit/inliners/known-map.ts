import type { BpfMap } from '../../../maps/bpf-map.js';
import type { MapRegistry } from '../../../maps/registry.js';
import { ARENA_BASE } from '../../../memory/arena.js';
import type { InlineSite } from '../inline.js';
import { Op } from '../wasm-opcodes.js';

/**
 * The map a helper call's r1 certainly holds, for a fast path: only in
 * unchecked (verified) code, where the verifier has proven every pointer
 * argument (key, value, record) valid for the helper, as the kernel's own
 * inlining assumes; null when r1 is not a known map pointer there.
 */
export function knownMap(site: InlineSite, registry: MapRegistry): BpfMap | null {
  if (site.emitter.ctx.checked) return null;
  const pointer = site.constantBefore(1);
  return (pointer === undefined ? undefined : registry.fromPointer(pointer)) ?? null;
}

/** Pushes the arena offset (i32) register `reg` points to: its low 32 bits, as loads and stores take them. */
export function pushOffset(site: InlineSite, reg: number): void {
  site.emitter.get(reg);
  site.emitter.w.u8(Op.i32_wrap_i64);
}

/** r0 = an i32 arena offset on the stack as a pointer, 0 staying NULL. */
export function setPointerOrNull(site: InlineSite): void {
  const e = site.emitter;
  const w = e.w;
  e.w.u8(Op.i64_extend_i32_u);
  e.localTee(e.tmpA);
  e.i64big(ARENA_BASE);
  w.u8(Op.i64_add);
  e.i64(0);
  e.localGet(e.tmpA);
  e.i64(0);
  w.u8(Op.i64_ne);
  w.u8(Op.select); // offset != 0 ? pointer : 0
  e.set(0);
}

/** r0 = an i32 result on the stack (0 or a negative errno), sign-extended as a helper returns it. */
export function setErrno(site: InlineSite): void {
  site.emitter.w.u8(Op.i64_extend_i32_s);
  site.emitter.set(0);
}
