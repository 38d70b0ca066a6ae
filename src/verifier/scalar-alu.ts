// ALU on two scalars: the kernel's adjust_scalar_min_max_vals and its
// scalar(32)_min_max_<op> helpers. Both widths are tracked for add, sub, mul,
// and, or, xor; shifts need a constant amount; div, mod and the rest give an
// unknown value.
import * as op from '../isa/opcodes.js';
import {
  lowU32, mark32Unbounded, mark64Unbounded, markKnown, regBoundsSync, s32ToU32, setKnown32, toS64, toU64,
  u32ToS32, updateReg32Bounds, updateRegBounds, zext32To64, markScalarUnknown,
} from './bounds.js';
import { RegState, S32_MAX, S32_MIN, S64_MAX, S64_MIN, U32_MAX, U64_MAX } from './reg-state.js';
import {
  tnumAdd, tnumAnd, tnumArshift, tnumIsConst, tnumLshift, tnumMul, tnumNeg, tnumOr, tnumRshift, tnumSub, tnumSubreg,
  tnumSubregIsConst, tnumXor,
} from './tnum.js';

const TWO64 = 1n << 64n;
const TWO32 = 0x100000000;

function isSafeToComputeRange(opc: number, src: RegState, alu64: boolean): boolean {
  switch (opc) {
    case op.BPF_ADD: case op.BPF_SUB: case op.BPF_NEG: case op.BPF_AND: case op.BPF_XOR: case op.BPF_OR: case op.BPF_MUL:
      return true;
    case op.BPF_LSH: case op.BPF_RSH: case op.BPF_ARSH: {
      const srcConst = alu64
        ? tnumIsConst(src.varOff) && src.smin === src.smax && src.umin === src.umax
        : tnumSubregIsConst(src.varOff) && src.s32min === src.s32max && src.u32min === src.u32max;
      return srcConst && src.umax < (alu64 ? 64n : 32n);
    }
    default:
      return false;
  }
}

/**
 * dst = dst <op> src for scalars, updating dst's tnum and bounds. `src` is not
 * modified (for BPF_NEG pass dst itself as src; it is copied first).
 */
export function adjustScalarMinMax(dst: RegState, srcIn: RegState, opc: number, alu64: boolean): void {
  if (!isSafeToComputeRange(opc, srcIn, alu64)) {
    // As the kernel: a fully unknown 64-bit value, even for 32-bit operations.
    markScalarUnknown(dst);
    return;
  }
  const src = srcIn === dst ? srcIn.clone() : srcIn;
  switch (opc) {
    case op.BPF_ADD:
      add32(dst, src);
      add64(dst, src);
      dst.varOff = tnumAdd(dst.varOff, src.varOff);
      break;
    case op.BPF_SUB:
      sub32(dst, src);
      sub64(dst, src);
      dst.varOff = tnumSub(dst.varOff, src.varOff);
      break;
    case op.BPF_NEG: {
      const orig = dst.clone();
      markKnown(dst, 0n);
      sub32(dst, orig);
      sub64(dst, orig);
      dst.varOff = tnumNeg(orig.varOff);
      break;
    }
    case op.BPF_MUL:
      dst.varOff = tnumMul(dst.varOff, src.varOff);
      mul32(dst, src);
      mul64(dst, src);
      break;
    case op.BPF_AND:
      dst.varOff = tnumAnd(dst.varOff, src.varOff);
      and32(dst, src);
      and64(dst, src);
      break;
    case op.BPF_OR:
      dst.varOff = tnumOr(dst.varOff, src.varOff);
      or32(dst, src);
      or64(dst, src);
      break;
    case op.BPF_XOR:
      dst.varOff = tnumXor(dst.varOff, src.varOff);
      xor32(dst, src);
      xor64(dst, src);
      break;
    case op.BPF_LSH:
      if (alu64) lsh64(dst, src); else lsh32(dst, src);
      break;
    case op.BPF_RSH:
      if (alu64) rsh64(dst, src); else rsh32(dst, src);
      break;
    case op.BPF_ARSH:
      if (alu64) arsh64(dst, src); else arsh32(dst, src);
      break;
  }
  if (!alu64) zext32To64(dst);
  regBoundsSync(dst);
}

/** reg += delta in both widths (for linked registers); zero-extends for 32-bit links. */
export function addScalarConst(reg: RegState, delta: RegState, zext: boolean): void {
  add32(reg, delta);
  add64(reg, delta);
  reg.varOff = tnumAdd(reg.varOff, delta.varOff);
  if (zext) zext32To64(reg);
  regBoundsSync(reg);
}

// ---- add / sub ------------------------------------------------------------

function add64(dst: RegState, src: RegState): void {
  const smin = dst.smin + src.smin;
  const smax = dst.smax + src.smax;
  if (smin < S64_MIN || smin > S64_MAX || smax < S64_MIN || smax > S64_MAX) {
    dst.smin = S64_MIN;
    dst.smax = S64_MAX;
  } else {
    dst.smin = smin;
    dst.smax = smax;
  }
  // If all or none of the additions wrap, the wrapped bounds stay ordered.
  const umin = dst.umin + src.umin;
  const umax = dst.umax + src.umax;
  const minOverflow = umin > U64_MAX;
  const maxOverflow = umax > U64_MAX;
  if (!minOverflow && maxOverflow) {
    dst.umin = 0n;
    dst.umax = U64_MAX;
  } else {
    dst.umin = umin % TWO64;
    dst.umax = umax % TWO64;
  }
}

function add32(dst: RegState, src: RegState): void {
  const smin = dst.s32min + src.s32min;
  const smax = dst.s32max + src.s32max;
  if (smin < S32_MIN || smin > S32_MAX || smax < S32_MIN || smax > S32_MAX) {
    dst.s32min = S32_MIN;
    dst.s32max = S32_MAX;
  } else {
    dst.s32min = smin;
    dst.s32max = smax;
  }
  const umin = dst.u32min + src.u32min;
  const umax = dst.u32max + src.u32max;
  const minOverflow = umin > U32_MAX;
  const maxOverflow = umax > U32_MAX;
  if (!minOverflow && maxOverflow) {
    dst.u32min = 0;
    dst.u32max = U32_MAX;
  } else {
    dst.u32min = umin % TWO32;
    dst.u32max = umax % TWO32;
  }
}

function sub64(dst: RegState, src: RegState): void {
  const smin = dst.smin - src.smax;
  const smax = dst.smax - src.smin;
  if (smin < S64_MIN || smin > S64_MAX || smax < S64_MIN || smax > S64_MAX) {
    dst.smin = S64_MIN;
    dst.smax = S64_MAX;
  } else {
    dst.smin = smin;
    dst.smax = smax;
  }
  const umin = dst.umin - src.umax;
  const umax = dst.umax - src.umin;
  const minUnderflow = umin < 0n;
  const maxUnderflow = umax < 0n;
  if (minUnderflow && !maxUnderflow) {
    dst.umin = 0n;
    dst.umax = U64_MAX;
  } else {
    dst.umin = toU64(umin);
    dst.umax = toU64(umax);
  }
}

function sub32(dst: RegState, src: RegState): void {
  const smin = dst.s32min - src.s32max;
  const smax = dst.s32max - src.s32min;
  if (smin < S32_MIN || smin > S32_MAX || smax < S32_MIN || smax > S32_MAX) {
    dst.s32min = S32_MIN;
    dst.s32max = S32_MAX;
  } else {
    dst.s32min = smin;
    dst.s32max = smax;
  }
  const umin = dst.u32min - src.u32max;
  const umax = dst.u32max - src.u32min;
  const minUnderflow = umin < 0;
  const maxUnderflow = umax < 0;
  if (minUnderflow && !maxUnderflow) {
    dst.u32min = 0;
    dst.u32max = U32_MAX;
  } else {
    dst.u32min = umin >>> 0;
    dst.u32max = umax >>> 0;
  }
}

// ---- mul --------------------------------------------------------------------

function mul64(dst: RegState, src: RegState): void {
  const umax = dst.umax * src.umax;
  const umin = dst.umin * src.umin;
  if (umax > U64_MAX || umin > U64_MAX) {
    dst.umin = 0n;
    dst.umax = U64_MAX;
  } else {
    dst.umin = umin;
    dst.umax = umax;
  }
  const p = [dst.smin * src.smin, dst.smin * src.smax, dst.smax * src.smin, dst.smax * src.smax];
  if (p.some((v) => v < S64_MIN || v > S64_MAX)) {
    dst.smin = S64_MIN;
    dst.smax = S64_MAX;
  } else {
    dst.smin = p.reduce((a, b) => (a < b ? a : b));
    dst.smax = p.reduce((a, b) => (a > b ? a : b));
  }
}

function mul32(dst: RegState, src: RegState): void {
  const umax = BigInt(dst.u32max) * BigInt(src.u32max);
  const umin = BigInt(dst.u32min) * BigInt(src.u32min);
  if (umax > 0xffffffffn || umin > 0xffffffffn) {
    dst.u32min = 0;
    dst.u32max = U32_MAX;
  } else {
    dst.u32min = Number(umin);
    dst.u32max = Number(umax);
  }
  const p = [dst.s32min * src.s32min, dst.s32min * src.s32max, dst.s32max * src.s32min, dst.s32max * src.s32max];
  // Products of two s32 values are exact in doubles (|p| <= 2^62 only when both are
  // extreme; check against the s32 range before trusting them).
  if (p.some((v) => v < S32_MIN || v > S32_MAX)) {
    dst.s32min = S32_MIN;
    dst.s32max = S32_MAX;
  } else {
    dst.s32min = Math.min(...p);
    dst.s32max = Math.max(...p);
  }
}

// ---- bitwise ----------------------------------------------------------------

function signFrom64(dst: RegState): void {
  if (toS64(dst.umin) <= toS64(dst.umax)) {
    dst.smin = toS64(dst.umin);
    dst.smax = toS64(dst.umax);
  } else {
    dst.smin = S64_MIN;
    dst.smax = S64_MAX;
  }
}

function signFrom32(dst: RegState): void {
  if (u32ToS32(dst.u32min) <= u32ToS32(dst.u32max)) {
    dst.s32min = u32ToS32(dst.u32min);
    dst.s32max = u32ToS32(dst.u32max);
  } else {
    dst.s32min = S32_MIN;
    dst.s32max = S32_MAX;
  }
}

function and64(dst: RegState, src: RegState): void {
  if (tnumIsConst(src.varOff) && tnumIsConst(dst.varOff)) {
    markKnownKeepType(dst, dst.varOff.value);
    return;
  }
  dst.umin = dst.varOff.value;
  dst.umax = dst.umax < src.umax ? dst.umax : src.umax;
  signFrom64(dst);
  updateRegBounds(dst);
}

function and32(dst: RegState, src: RegState): void {
  const v32 = tnumSubreg(dst.varOff);
  if (tnumSubregIsConst(src.varOff) && tnumSubregIsConst(dst.varOff)) {
    setKnown32(dst, v32.value);
    return;
  }
  dst.u32min = Number(v32.value);
  dst.u32max = Math.min(dst.u32max, src.u32max);
  signFrom32(dst);
}

function or64(dst: RegState, src: RegState): void {
  if (tnumIsConst(src.varOff) && tnumIsConst(dst.varOff)) {
    markKnownKeepType(dst, dst.varOff.value);
    return;
  }
  dst.umin = dst.umin > src.umin ? dst.umin : src.umin;
  dst.umax = dst.varOff.value | dst.varOff.mask;
  signFrom64(dst);
  updateRegBounds(dst);
}

function or32(dst: RegState, src: RegState): void {
  const v32 = tnumSubreg(dst.varOff);
  if (tnumSubregIsConst(src.varOff) && tnumSubregIsConst(dst.varOff)) {
    setKnown32(dst, v32.value);
    return;
  }
  dst.u32min = Math.max(dst.u32min, src.u32min);
  dst.u32max = Number(v32.value | v32.mask);
  signFrom32(dst);
}

function xor64(dst: RegState, src: RegState): void {
  if (tnumIsConst(src.varOff) && tnumIsConst(dst.varOff)) {
    markKnownKeepType(dst, dst.varOff.value);
    return;
  }
  dst.umin = dst.varOff.value;
  dst.umax = dst.varOff.value | dst.varOff.mask;
  signFrom64(dst);
  updateRegBounds(dst);
}

function xor32(dst: RegState, src: RegState): void {
  const v32 = tnumSubreg(dst.varOff);
  if (tnumSubregIsConst(src.varOff) && tnumSubregIsConst(dst.varOff)) {
    setKnown32(dst, v32.value);
    return;
  }
  dst.u32min = Number(v32.value);
  dst.u32max = Number(v32.value | v32.mask);
  signFrom32(dst);
}

/** __mark_reg_known on a scalar: the constant, with id and ref cleared. */
function markKnownKeepType(dst: RegState, v: bigint): void {
  const type = dst.type;
  markKnown(dst, v);
  dst.type = type;
}

// ---- shifts (the amount is a known constant here) ---------------------------

function lsh32Bounds(dst: RegState, umin: number, umax: number): void {
  dst.s32min = S32_MIN;
  dst.s32max = S32_MAX;
  if (umax > 31 || dst.u32max > 2 ** (31 - umax)) {
    dst.u32min = 0;
    dst.u32max = U32_MAX;
  } else {
    dst.u32min = (dst.u32min * 2 ** umin) >>> 0;
    dst.u32max = (dst.u32max * 2 ** umax) >>> 0;
  }
}

function lsh32(dst: RegState, src: RegState): void {
  const umin = src.u32min;
  const umax = src.u32max;
  const subreg = tnumSubreg(dst.varOff);
  lsh32Bounds(dst, umin, umax);
  dst.varOff = tnumSubreg(tnumLshift(subreg, umin));
  mark64Unbounded(dst);
  updateReg32Bounds(dst);
}

function lsh64(dst: RegState, src: RegState): void {
  const umin = Number(src.umin);
  const umax = Number(src.umax);
  // <<32 of a non-negative s32 keeps its sign (the sign-extension idiom).
  if (umin === 32 && umax === 32 && dst.s32max >= 0) dst.smax = BigInt(dst.s32max) << 32n;
  else dst.smax = S64_MAX;
  if (umin === 32 && umax === 32 && dst.s32min >= 0) dst.smin = BigInt(dst.s32min) << 32n;
  else dst.smin = S64_MIN;
  if (dst.umax > 1n << BigInt(63 - umax)) {
    dst.umin = 0n;
    dst.umax = U64_MAX;
  } else {
    dst.umin = toU64(dst.umin << BigInt(umin));
    dst.umax = toU64(dst.umax << BigInt(umax));
  }
  lsh32Bounds(dst, umin, umax);
  dst.varOff = tnumLshift(dst.varOff, umin);
  updateRegBounds(dst);
}

function rsh32(dst: RegState, src: RegState): void {
  const subreg = tnumSubreg(dst.varOff);
  const umin = src.u32min;
  const umax = src.u32max;
  dst.s32min = S32_MIN;
  dst.s32max = S32_MAX;
  dst.varOff = tnumRshift(subreg, umin);
  dst.u32min = Math.floor(dst.u32min / 2 ** umax);
  dst.u32max = Math.floor(dst.u32max / 2 ** umin);
  mark64Unbounded(dst);
  updateReg32Bounds(dst);
}

function rsh64(dst: RegState, src: RegState): void {
  const umin = src.umin;
  const umax = src.umax;
  dst.smin = S64_MIN;
  dst.smax = S64_MAX;
  dst.varOff = tnumRshift(dst.varOff, Number(umin));
  dst.umin >>= umax;
  dst.umax >>= umin;
  mark32Unbounded(dst);
  updateRegBounds(dst);
}

function arsh32(dst: RegState, src: RegState): void {
  const sh = src.u32min;
  dst.s32min = dst.s32min >> sh;
  dst.s32max = dst.s32max >> sh;
  dst.varOff = tnumArshift(tnumSubreg(dst.varOff), sh, 32);
  dst.u32min = 0;
  dst.u32max = U32_MAX;
  mark64Unbounded(dst);
  updateReg32Bounds(dst);
}

function arsh64(dst: RegState, src: RegState): void {
  const sh = src.umin;
  dst.smin >>= sh;
  dst.smax >>= sh;
  dst.varOff = tnumArshift(dst.varOff, Number(sh), 64);
  dst.umin = 0n;
  dst.umax = U64_MAX;
  mark32Unbounded(dst);
  updateRegBounds(dst);
}

export { lowU32, s32ToU32 };
