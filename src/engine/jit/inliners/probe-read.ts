import { probeOffsetRange, probeStringLength } from '../../../helpers/guest-memory.js';
import { BPF_FUNC } from '../../../helpers/ids.js';
import { EFAULT } from '../../../maps/errno.js';
import { ARENA_BASE_HI, type Arena } from '../../../memory/arena.js';
import type { HelperInliner, InlineSite } from '../inline.js';
import { Op } from '../wasm-opcodes.js';
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

/** bpf_probe_read*(dst, size, src) after the verifier's checks of dst and size: 0, or -EFAULT with dst zeroed. */
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
    return 0;
  };
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
    return length + 1;
  };
}

/**
 * bpf_probe_read, _kernel, _user and their _str variants in unchecked
 * (verified) code, as a host call with the destination's offset, the size
 * and the source's two 32-bit halves: no BigInt crosses into JavaScript.
 * The source is checked as the helper checks it (every byte readable, else
 * -EFAULT and a zeroed destination); the destination and the size are what
 * the verifier proved, as the helper trusts them in unchecked runs.
 */
export function probeReadInliner(arena: Arena, strings: boolean): HelperInliner {
  const fn = strings ? probeReadStrFunction(arena) : probeReadFunction(arena);
  return (site: InlineSite): boolean => {
    const e = site.emitter;
    if (e.ctx.checked) return false;
    const w = e.w;
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
    return true;
  };
}

export const PROBE_READ_IDS = [BPF_FUNC.probe_read, BPF_FUNC.probe_read_kernel, BPF_FUNC.probe_read_user] as const;
export const PROBE_READ_STR_IDS = [BPF_FUNC.probe_read_str, BPF_FUNC.probe_read_kernel_str, BPF_FUNC.probe_read_user_str] as const;
