import { probeOffsetRange, probeStringLength } from '../../../helpers/guest-memory.js';
import { BPF_FUNC } from '../../../helpers/ids.js';
import { EFAULT } from '../../../maps/errno.js';
import { ARENA_BASE_HI, REGION_MEMO, type Arena } from '../../../memory/arena.js';
import type { HelperInliner, InlineSite } from '../inline.js';
import { I32, Op, VOID } from '../wasm-opcodes.js';
import { pushOffset, setErrno } from './known-map.js';

/**
 * The arena offset of a pointer given as its 32-bit halves, by
 * pointerOffset()'s rule (src/helpers/guest-memory.ts): ARENA_BASE +
 * offset, or a zero-extended offset; -1 for anything else.
 */
function offsetOf(arena: Arena, lo: number, hi: number): number {
  if (hi !== ARENA_BASE_HI && hi !== 0) return -1;
  const off = lo >>> 0;
  return off < arena.bytes.length ? off : -1;
}

/**
 * bpf_probe_read*(dst, size, src) after the verifier's checks of dst and
 * size: 0, or -EFAULT with dst zeroed. A source inside one region leaves
 * that region in the arena's memo (REGION_MEMO), where the inlined fast
 * path finds it for the next reads.
 */
function probeReadFunction(arena: Arena): (dst: number, size: number, lo: number, hi: number) => number {
  return (dst, size, lo, hi) => {
    const d = dst >>> 0;
    const n = size >>> 0;
    const src = offsetOf(arena, lo, hi);
    const bytes = arena.bytes;
    if (src < 0 || probeOffsetRange(arena, src, n) < 0) {
      bytes.fill(0, d, d + n);
      return -EFAULT;
    }
    bytes.copyWithin(d, src, src + n);
    rememberRegion(arena, src);
    return 0;
  };
}

/** Leaves the region holding `off` (if any) in the arena's memo, for the inlined fast paths. */
function rememberRegion(arena: Arena, off: number): void {
  const region = arena.regionAt(off);
  if (region === null) return;
  const view = arena.view;
  view.setUint32(REGION_MEMO, region.start, true);
  view.setUint32(REGION_MEMO + 4, region.end, true);
}

/** bpf_probe_read*_str(dst, size, src): the string's length with its NUL, or -EFAULT with dst zeroed. */
function probeReadStrFunction(arena: Arena): (dst: number, size: number, lo: number, hi: number) => number {
  return (dst, size, lo, hi) => {
    const n = size >>> 0;
    if (n === 0) return 0;
    const d = dst >>> 0;
    const src = offsetOf(arena, lo, hi);
    const length = src < 0 ? -1 : probeStringLength(arena, src, n);
    const bytes = arena.bytes;
    if (length < 0) {
      bytes.fill(0, d, d + n);
      return -EFAULT;
    }
    bytes.copyWithin(d, src, src + length);
    bytes[d + length] = 0;
    rememberRegion(arena, src);
    return length + 1;
  };
}

/**
 * bpf_probe_read, _kernel, _user and their _str variants in unchecked
 * (verified) code, as a host call with the destination's offset, the size
 * and the source's two 32-bit halves: no BigInt crosses into JavaScript.
 * The source is checked as the helper checks it (every byte readable, else
 * -EFAULT and a zeroed destination); the destination and the size are what
 * the verifier proved, as the helper trusts them in unchecked runs. Each
 * read first tries the region the last one read (the arena's memo): a
 * source inside it is copied in WebAssembly, without the call (hooks'
 * programs read their ctx's strings this way on every event).
 */
export function probeReadInliner(arena: Arena, strings: boolean): HelperInliner {
  const fn = strings ? probeReadStrFunction(arena) : probeReadFunction(arena);
  return (site: InlineSite): boolean => {
    const e = site.emitter;
    if (e.ctx.checked) return false;
    const w = e.w;
    // A source inside the region the last read found (the arena's memo): the copy in WebAssembly.
    emitMemoCheck(site);
    w.u8x2(Op.if, VOID);
    if (strings) emitStringCopy(site);
    else emitCopy(site);
    w.u8(Op.else);
    site.emitHostCall(fn, [
      () => pushOffset(site, 1),
      () => pushOffset(site, 2),
      () => pushOffset(site, 3),
      () => {
        e.get(3);
        e.i64(32);
        w.u8(Op.i64_shr_u);
        w.u8(Op.i32_wrap_i64);
      },
    ]);
    setErrno(site);
    w.u8(Op.end);
    return true;
  };
}

const MEMORY_COPY = Uint8Array.of(0xfc, 0x0a, 0x00, 0x00);

/** r0 = 0 after copying size (scratch 1) bytes from the source (scratch 0) to r1. */
function emitCopy(site: InlineSite): void {
  const e = site.emitter;
  pushOffset(site, 1);
  e.localGet(e.scratch(I32, 0));
  e.localGet(e.scratch(I32, 1));
  e.markTrap(site.pc);
  e.w.bytes(MEMORY_COPY);
  e.i64(0);
  e.set(0);
}

/**
 * As the string helpers, from a source whose size bytes are all readable:
 * copies bytes up to the first NUL, at most size - 1 of them, then a NUL;
 * r0 = the bytes written with the NUL. (The memo check let size 0 through
 * to the host function, which writes nothing.)
 */
function emitStringCopy(site: InlineSite): void {
  const e = site.emitter;
  const w = e.w;
  const off = e.scratch(I32, 0);
  const size = e.scratch(I32, 1);
  const i = e.scratch(I32, 2);
  const dst = e.scratch(I32, 3);
  const byte = e.scratch(I32, 4);
  pushOffset(site, 1);
  e.localSet(dst);
  e.i32(0);
  e.localSet(i);
  w.u8x2(Op.block, VOID);
  w.u8x2(Op.loop, VOID);
  // i = size - 1: cut here, with the NUL; r0 = size
  e.localGet(i);
  e.localGet(size);
  e.i32(1);
  w.u8(Op.i32_sub);
  w.u8(Op.i32_eq);
  w.u8x2(Op.if, VOID);
  e.localGet(dst);
  e.localGet(i);
  w.u8(Op.i32_add);
  e.i32(0);
  e.markTrap(site.pc);
  e.mem(Op.i32_store8, 0, 0);
  e.localGet(size);
  w.u8(Op.i64_extend_i32_u);
  e.set(0);
  w.u8(Op.br);
  w.uleb(2);
  w.u8(Op.end);
  // dst[i] = src[i]
  e.localGet(dst);
  e.localGet(i);
  w.u8(Op.i32_add);
  e.localGet(off);
  e.localGet(i);
  w.u8(Op.i32_add);
  e.markTrap(site.pc);
  e.mem(Op.i32_load8_u, 0, 0);
  e.localTee(byte);
  e.markTrap(site.pc);
  e.mem(Op.i32_store8, 0, 0);
  e.localGet(i);
  e.i32(1);
  w.u8(Op.i32_add);
  e.localSet(i);
  // the NUL copied: r0 = i (bytes with the NUL)
  e.localGet(byte);
  w.u8(Op.i32_eqz);
  w.u8x2(Op.if, VOID);
  e.localGet(i);
  w.u8(Op.i64_extend_i32_u);
  e.set(0);
  w.u8(Op.br);
  w.uleb(2);
  w.u8(Op.end);
  w.u8(Op.br);
  w.uleb(0);
  w.u8(Op.end);
  w.u8(Op.end);
}

/**
 * Pushes whether the source r3 (an arena pointer, or a bare offset, as
 * offsetOf() takes it) and the size r2 lie in the region of the arena's
 * memo, and the size is not 0; leaves the source's offset in scratch i32 0
 * and the size in 1.
 */
function emitMemoCheck(site: InlineSite): void {
  const e = site.emitter;
  const w = e.w;
  const off = e.scratch(I32, 0);
  const size = e.scratch(I32, 1);
  const end = e.scratch(I32, 2);
  pushOffset(site, 3);
  e.localSet(off);
  pushOffset(site, 2);
  e.localSet(size);
  // high word: ARENA_BASE's, or 0
  e.get(3);
  e.i64(32);
  w.u8(Op.i64_shr_u);
  w.u8(Op.i32_wrap_i64);
  e.localTee(end);
  e.i32(ARENA_BASE_HI);
  w.u8(Op.i32_eq);
  e.localGet(end);
  w.u8(Op.i32_eqz);
  w.u8(Op.i32_or);
  // memo.start <= off <= memo.end, and size <= memo.end - off
  e.localGet(off);
  e.i32(0);
  e.mem(Op.i32_load, 2, REGION_MEMO);
  w.u8(Op.i32_ge_u);
  w.u8(Op.i32_and);
  e.i32(0);
  e.mem(Op.i32_load, 2, REGION_MEMO + 4);
  e.localTee(end);
  e.localGet(off);
  w.u8(Op.i32_ge_u);
  w.u8(Op.i32_and);
  e.localGet(end);
  e.localGet(off);
  w.u8(Op.i32_sub);
  e.localGet(size);
  w.u8(Op.i32_ge_u);
  w.u8(Op.i32_and);
  e.localGet(size);
  e.i32(0);
  w.u8(Op.i32_ne);
  w.u8(Op.i32_and);
}

export const PROBE_READ_IDS = [BPF_FUNC.probe_read, BPF_FUNC.probe_read_kernel, BPF_FUNC.probe_read_user] as const;
export const PROBE_READ_STR_IDS = [BPF_FUNC.probe_read_str, BPF_FUNC.probe_read_kernel_str, BPF_FUNC.probe_read_user_str] as const;
