// ALU on two scalars: the kernel's adjust_scalar_min_max_vals and its
// scalar(32)_min_max_<op> helpers. Both widths are tracked for add, sub, mul,
// and, or, xor; shifts need a constant amount; div, mod and the rest give an
// unknown value. 64-bit values are 32-bit halves (see i64.ts).
import * as op from '../isa/opcodes.js';
import {
  lowU32, mark32Unbounded, mark64Unbounded, markKnownHalves, regBoundsSync, s32ToU32, setKnown32Lo,
  updateReg32Bounds, updateRegBounds, zext32To64, markScalarUnknown,
} from './bounds.js';
import {
  PRODUCT, addOverflowsS, addOverflowsU, carry, borrow, mulS64, mulU64, sarHi, sarLo, shlHi, shlLo, shrHi, shrLo, sle, slt,
  subOverflowsS, ult,
} from './i64.js';
import { RegState, S32_MAX, S32_MIN, U32_MAX } from './reg-state.js';
import { setVarOffFromTn, tnAdd, tnAnd, tnMul, tnOr, tnSub, tnXor } from './tnum-halves.js';

const TWO32 = 0x100000000;

function isSafeToComputeRange(opc: number, src: RegState, alu64: boolean): boolean {
  switch (opc) {
    case op.BPF_ADD: case op.BPF_SUB: case op.BPF_NEG: case op.BPF_AND: case op.BPF_XOR: case op.BPF_OR: case op.BPF_MUL:
      return true;
    case op.BPF_LSH: case op.BPF_RSH: case op.BPF_ARSH: {
      const srcConst = alu64
        ? src.isConst() && src.sminHi === src.smaxHi && src.sminLo === src.smaxLo &&
          src.uminHi === src.umaxHi && src.uminLo === src.umaxLo
        : src.mLo === 0 && src.s32min === src.s32max && src.u32min === src.u32max;
      return srcConst && src.umaxHi === 0 && src.umaxLo >>> 0 < (alu64 ? 64 : 32);
    }
    default:
      return false;
  }
}

/** Copies of an operand that is also the destination (dst op= dst, neg). */
const SELF = new RegState();
const NEG_ORIG = new RegState();

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
  let src = srcIn;
  if (srcIn === dst) {
    SELF.copyFrom(srcIn);
    src = SELF;
  }
  switch (opc) {
    case op.BPF_ADD:
      add32(dst, src);
      add64(dst, src);
      tnAdd(dst.vHi, dst.vLo, dst.mHi, dst.mLo, src.vHi, src.vLo, src.mHi, src.mLo);
      setVarOffFromTn(dst);
      break;
    case op.BPF_SUB:
      sub32(dst, src);
      sub64(dst, src);
      tnSub(dst.vHi, dst.vLo, dst.mHi, dst.mLo, src.vHi, src.vLo, src.mHi, src.mLo);
      setVarOffFromTn(dst);
      break;
    case op.BPF_NEG: {
      const orig = NEG_ORIG;
      orig.copyFrom(dst);
      markKnownHalves(dst, 0, 0);
      sub32(dst, orig);
      sub64(dst, orig);
      tnSub(0, 0, 0, 0, orig.vHi, orig.vLo, orig.mHi, orig.mLo);
      setVarOffFromTn(dst);
      break;
    }
    case op.BPF_MUL:
      tnMul(dst.vHi, dst.vLo, dst.mHi, dst.mLo, src.vHi, src.vLo, src.mHi, src.mLo);
      setVarOffFromTn(dst);
      mul32(dst, src);
      mul64(dst, src);
      break;
    case op.BPF_AND:
      tnAnd(dst.vHi, dst.vLo, dst.mHi, dst.mLo, src.vHi, src.vLo, src.mHi, src.mLo);
      setVarOffFromTn(dst);
      and32(dst, src);
      and64(dst, src);
      break;
    case op.BPF_OR:
      tnOr(dst.vHi, dst.vLo, dst.mHi, dst.mLo, src.vHi, src.vLo, src.mHi, src.mLo);
      setVarOffFromTn(dst);
      or32(dst, src);
      or64(dst, src);
      break;
    case op.BPF_XOR:
      tnXor(dst.vHi, dst.vLo, dst.mHi, dst.mLo, src.vHi, src.vLo, src.mHi, src.mLo);
      setVarOffFromTn(dst);
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
  tnAdd(reg.vHi, reg.vLo, reg.mHi, reg.mLo, delta.vHi, delta.vLo, delta.mHi, delta.mLo);
  setVarOffFromTn(reg);
  if (zext) zext32To64(reg);
  regBoundsSync(reg);
}

// ---- add / sub ------------------------------------------------------------

function add64(dst: RegState, src: RegState): void {
  const sminLo = (dst.sminLo + src.sminLo) | 0;
  const sminHi = (dst.sminHi + src.sminHi + carry(dst.sminLo, src.sminLo)) | 0;
  const smaxLo = (dst.smaxLo + src.smaxLo) | 0;
  const smaxHi = (dst.smaxHi + src.smaxHi + carry(dst.smaxLo, src.smaxLo)) | 0;
  if (addOverflowsS(dst.sminHi, src.sminHi, sminHi) || addOverflowsS(dst.smaxHi, src.smaxHi, smaxHi)) {
    dst.sminHi = -0x80000000;
    dst.sminLo = 0;
    dst.smaxHi = 0x7fffffff;
    dst.smaxLo = -1;
  } else {
    dst.sminHi = sminHi;
    dst.sminLo = sminLo;
    dst.smaxHi = smaxHi;
    dst.smaxLo = smaxLo;
  }
  // If all or none of the additions wrap, the wrapped bounds stay ordered.
  const minOverflow = addOverflowsU(dst.uminHi, dst.uminLo, src.uminHi, src.uminLo);
  const maxOverflow = addOverflowsU(dst.umaxHi, dst.umaxLo, src.umaxHi, src.umaxLo);
  if (!minOverflow && maxOverflow) {
    dst.uminHi = 0;
    dst.uminLo = 0;
    dst.umaxHi = -1;
    dst.umaxLo = -1;
  } else {
    const uminLo = (dst.uminLo + src.uminLo) | 0;
    const uminHi = (dst.uminHi + src.uminHi + carry(dst.uminLo, src.uminLo)) | 0;
    const umaxLo = (dst.umaxLo + src.umaxLo) | 0;
    const umaxHi = (dst.umaxHi + src.umaxHi + carry(dst.umaxLo, src.umaxLo)) | 0;
    dst.uminHi = uminHi;
    dst.uminLo = uminLo;
    dst.umaxHi = umaxHi;
    dst.umaxLo = umaxLo;
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
  // smin - src.smax, smax - src.smin
  const sminLo = (dst.sminLo - src.smaxLo) | 0;
  const sminHi = (dst.sminHi - src.smaxHi - borrow(dst.sminLo, src.smaxLo)) | 0;
  const smaxLo = (dst.smaxLo - src.sminLo) | 0;
  const smaxHi = (dst.smaxHi - src.sminHi - borrow(dst.smaxLo, src.sminLo)) | 0;
  if (subOverflowsS(dst.sminHi, src.smaxHi, sminHi) || subOverflowsS(dst.smaxHi, src.sminHi, smaxHi)) {
    dst.sminHi = -0x80000000;
    dst.sminLo = 0;
    dst.smaxHi = 0x7fffffff;
    dst.smaxLo = -1;
  } else {
    dst.sminHi = sminHi;
    dst.sminLo = sminLo;
    dst.smaxHi = smaxHi;
    dst.smaxLo = smaxLo;
  }
  // umin - src.umax, umax - src.umin
  const minUnderflow = ult(dst.uminHi, dst.uminLo, src.umaxHi, src.umaxLo);
  const maxUnderflow = ult(dst.umaxHi, dst.umaxLo, src.uminHi, src.uminLo);
  if (minUnderflow && !maxUnderflow) {
    dst.uminHi = 0;
    dst.uminLo = 0;
    dst.umaxHi = -1;
    dst.umaxLo = -1;
  } else {
    const uminLo = (dst.uminLo - src.umaxLo) | 0;
    const uminHi = (dst.uminHi - src.umaxHi - borrow(dst.uminLo, src.umaxLo)) | 0;
    const umaxLo = (dst.umaxLo - src.uminLo) | 0;
    const umaxHi = (dst.umaxHi - src.uminHi - borrow(dst.umaxLo, src.uminLo)) | 0;
    dst.uminHi = uminHi;
    dst.uminLo = uminLo;
    dst.umaxHi = umaxHi;
    dst.umaxLo = umaxLo;
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

/** umin == umax and smin == smax. */
const pointBounds = (r: RegState): boolean =>
  r.uminHi === r.umaxHi && r.uminLo === r.umaxLo && r.sminHi === r.smaxHi && r.sminLo === r.smaxLo;

function mul64(dst: RegState, src: RegState): void {
  if (pointBounds(dst) && pointBounds(src)) {
    // Both unsigned products are one product, and so are the four signed ones.
    mulU64(dst.umaxHi, dst.umaxLo, src.umaxHi, src.umaxLo);
    if (PRODUCT.overflow) {
      dst.uminHi = 0; dst.uminLo = 0; dst.umaxHi = -1; dst.umaxLo = -1;
    } else {
      dst.uminHi = dst.umaxHi = PRODUCT.hi;
      dst.uminLo = dst.umaxLo = PRODUCT.lo;
    }
    mulS64(dst.sminHi, dst.sminLo, src.sminHi, src.sminLo);
    if (PRODUCT.overflow) {
      dst.sminHi = -0x80000000; dst.sminLo = 0; dst.smaxHi = 0x7fffffff; dst.smaxLo = -1;
    } else {
      dst.sminHi = dst.smaxHi = PRODUCT.hi;
      dst.sminLo = dst.smaxLo = PRODUCT.lo;
    }
    return;
  }
  mulU64(dst.umaxHi, dst.umaxLo, src.umaxHi, src.umaxLo);
  const umaxHi = PRODUCT.hi;
  const umaxLo = PRODUCT.lo;
  let overflow = PRODUCT.overflow;
  mulU64(dst.uminHi, dst.uminLo, src.uminHi, src.uminLo);
  overflow = overflow || PRODUCT.overflow;
  if (overflow) {
    dst.uminHi = 0;
    dst.uminLo = 0;
    dst.umaxHi = -1;
    dst.umaxLo = -1;
  } else {
    dst.uminHi = PRODUCT.hi;
    dst.uminLo = PRODUCT.lo;
    dst.umaxHi = umaxHi;
    dst.umaxLo = umaxLo;
  }
  // The four products of the signed bounds: their extremes, unless one overflows.
  let minHi = 0;
  let minLo = 0;
  let maxHi = 0;
  let maxLo = 0;
  overflow = false;
  for (let k = 0; k < 4 && !overflow; k++) {
    const aHi = k < 2 ? dst.sminHi : dst.smaxHi;
    const aLo = k < 2 ? dst.sminLo : dst.smaxLo;
    const bHi = k & 1 ? src.smaxHi : src.sminHi;
    const bLo = k & 1 ? src.smaxLo : src.sminLo;
    mulS64(aHi, aLo, bHi, bLo);
    overflow = PRODUCT.overflow;
    if (k === 0 || slt(PRODUCT.hi, PRODUCT.lo, minHi, minLo)) {
      minHi = PRODUCT.hi;
      minLo = PRODUCT.lo;
    }
    if (k === 0 || slt(maxHi, maxLo, PRODUCT.hi, PRODUCT.lo)) {
      maxHi = PRODUCT.hi;
      maxLo = PRODUCT.lo;
    }
  }
  if (overflow) {
    dst.sminHi = -0x80000000;
    dst.sminLo = 0;
    dst.smaxHi = 0x7fffffff;
    dst.smaxLo = -1;
  } else {
    dst.sminHi = minHi;
    dst.sminLo = minLo;
    dst.smaxHi = maxHi;
    dst.smaxLo = maxLo;
  }
}

function mul32(dst: RegState, src: RegState): void {
  // Products of two u32 below 2^32 are exact as doubles; larger ones stay larger.
  const umax = dst.u32max * src.u32max;
  const umin = dst.u32min * src.u32min;
  if (umax > 0xffffffff || umin > 0xffffffff) {
    dst.u32min = 0;
    dst.u32max = U32_MAX;
  } else {
    dst.u32min = umin;
    dst.u32max = umax;
  }
  // Products of two s32 are exact as doubles within the s32 range, and stay
  // outside it when they are outside.
  const p0 = dst.s32min * src.s32min;
  const p1 = dst.s32min * src.s32max;
  const p2 = dst.s32max * src.s32min;
  const p3 = dst.s32max * src.s32max;
  if (p0 < S32_MIN || p0 > S32_MAX || p1 < S32_MIN || p1 > S32_MAX || p2 < S32_MIN || p2 > S32_MAX ||
    p3 < S32_MIN || p3 > S32_MAX) {
    dst.s32min = S32_MIN;
    dst.s32max = S32_MAX;
  } else {
    dst.s32min = Math.min(p0, p1, p2, p3);
    dst.s32max = Math.max(p0, p1, p2, p3);
  }
}

// ---- bitwise ----------------------------------------------------------------

function signFrom64(dst: RegState): void {
  if (sle(dst.uminHi, dst.uminLo, dst.umaxHi, dst.umaxLo)) {
    dst.sminHi = dst.uminHi;
    dst.sminLo = dst.uminLo;
    dst.smaxHi = dst.umaxHi;
    dst.smaxLo = dst.umaxLo;
  } else {
    dst.sminHi = -0x80000000;
    dst.sminLo = 0;
    dst.smaxHi = 0x7fffffff;
    dst.smaxLo = -1;
  }
}

function signFrom32(dst: RegState): void {
  if ((dst.u32min | 0) <= (dst.u32max | 0)) {
    dst.s32min = dst.u32min | 0;
    dst.s32max = dst.u32max | 0;
  } else {
    dst.s32min = S32_MIN;
    dst.s32max = S32_MAX;
  }
}

const bothConst = (dst: RegState, src: RegState): boolean => (src.mHi | src.mLo | dst.mHi | dst.mLo) === 0;
const bothSubregConst = (dst: RegState, src: RegState): boolean => (src.mLo | dst.mLo) === 0;

function and64(dst: RegState, src: RegState): void {
  if (bothConst(dst, src)) {
    markKnownHalves(dst, dst.vHi, dst.vLo);
    return;
  }
  dst.uminHi = dst.vHi;
  dst.uminLo = dst.vLo;
  if (ult(src.umaxHi, src.umaxLo, dst.umaxHi, dst.umaxLo)) {
    dst.umaxHi = src.umaxHi;
    dst.umaxLo = src.umaxLo;
  }
  signFrom64(dst);
  updateRegBounds(dst);
}

function and32(dst: RegState, src: RegState): void {
  if (bothSubregConst(dst, src)) {
    setKnown32Lo(dst, dst.vLo);
    return;
  }
  dst.u32min = dst.vLo >>> 0;
  dst.u32max = Math.min(dst.u32max, src.u32max);
  signFrom32(dst);
}

function or64(dst: RegState, src: RegState): void {
  if (bothConst(dst, src)) {
    markKnownHalves(dst, dst.vHi, dst.vLo);
    return;
  }
  if (ult(dst.uminHi, dst.uminLo, src.uminHi, src.uminLo)) {
    dst.uminHi = src.uminHi;
    dst.uminLo = src.uminLo;
  }
  dst.umaxHi = dst.vHi | dst.mHi;
  dst.umaxLo = dst.vLo | dst.mLo;
  signFrom64(dst);
  updateRegBounds(dst);
}

function or32(dst: RegState, src: RegState): void {
  if (bothSubregConst(dst, src)) {
    setKnown32Lo(dst, dst.vLo);
    return;
  }
  dst.u32min = Math.max(dst.u32min, src.u32min);
  dst.u32max = (dst.vLo | dst.mLo) >>> 0;
  signFrom32(dst);
}

function xor64(dst: RegState, src: RegState): void {
  if (bothConst(dst, src)) {
    markKnownHalves(dst, dst.vHi, dst.vLo);
    return;
  }
  dst.uminHi = dst.vHi;
  dst.uminLo = dst.vLo;
  dst.umaxHi = dst.vHi | dst.mHi;
  dst.umaxLo = dst.vLo | dst.mLo;
  signFrom64(dst);
  updateRegBounds(dst);
}

function xor32(dst: RegState, src: RegState): void {
  if (bothSubregConst(dst, src)) {
    setKnown32Lo(dst, dst.vLo);
    return;
  }
  dst.u32min = dst.vLo >>> 0;
  dst.u32max = (dst.vLo | dst.mLo) >>> 0;
  signFrom32(dst);
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
  lsh32Bounds(dst, umin, umax);
  // tnum_subreg(tnum_lshift(tnum_subreg(var_off), umin))
  dst.vHi = 0;
  dst.mHi = 0;
  dst.vLo = shlLo(dst.vLo, umin);
  dst.mLo = shlLo(dst.mLo, umin);
  mark64Unbounded(dst);
  updateReg32Bounds(dst);
}

function lsh64(dst: RegState, src: RegState): void {
  const umin = src.uminLo;
  const umax = src.umaxLo;
  // <<32 keeps the s32 bounds' signs (the sign-extension idiom <<32 s>>32).
  if (umin === 32 && umax === 32) {
    dst.smaxHi = dst.s32max;
    dst.smaxLo = 0;
    dst.sminHi = dst.s32min;
    dst.sminLo = 0;
  } else {
    dst.smaxHi = 0x7fffffff;
    dst.smaxLo = -1;
    dst.sminHi = -0x80000000;
    dst.sminLo = 0;
  }
  // umax > 1 << (63 - umax): the shift may lose bits.
  const bit = 63 - umax;
  const limHi = bit >= 32 ? 1 << (bit - 32) : 0;
  const limLo = bit >= 32 ? 0 : 1 << bit;
  if (ult(limHi, limLo, dst.umaxHi, dst.umaxLo)) {
    dst.uminHi = 0;
    dst.uminLo = 0;
    dst.umaxHi = -1;
    dst.umaxLo = -1;
  } else {
    const uminHi = shlHi(dst.uminHi, dst.uminLo, umin);
    dst.uminLo = shlLo(dst.uminLo, umin);
    dst.uminHi = uminHi;
    const umaxHi = shlHi(dst.umaxHi, dst.umaxLo, umax);
    dst.umaxLo = shlLo(dst.umaxLo, umax);
    dst.umaxHi = umaxHi;
  }
  lsh32Bounds(dst, umin, umax);
  const vHi = shlHi(dst.vHi, dst.vLo, umin);
  dst.vLo = shlLo(dst.vLo, umin);
  dst.vHi = vHi;
  const mHi = shlHi(dst.mHi, dst.mLo, umin);
  dst.mLo = shlLo(dst.mLo, umin);
  dst.mHi = mHi;
  updateRegBounds(dst);
}

function rsh32(dst: RegState, src: RegState): void {
  const umin = src.u32min;
  const umax = src.u32max;
  dst.s32min = S32_MIN;
  dst.s32max = S32_MAX;
  // tnum_rshift(tnum_subreg(var_off), umin)
  dst.vHi = 0;
  dst.mHi = 0;
  dst.vLo = (dst.vLo >>> umin) | 0;
  dst.mLo = (dst.mLo >>> umin) | 0;
  dst.u32min = Math.floor(dst.u32min / 2 ** umax);
  dst.u32max = Math.floor(dst.u32max / 2 ** umin);
  mark64Unbounded(dst);
  updateReg32Bounds(dst);
}

function rsh64(dst: RegState, src: RegState): void {
  const umin = src.uminLo;
  const umax = src.umaxLo;
  dst.sminHi = -0x80000000;
  dst.sminLo = 0;
  dst.smaxHi = 0x7fffffff;
  dst.smaxLo = -1;
  const vLo = shrLo(dst.vHi, dst.vLo, umin);
  dst.vHi = shrHi(dst.vHi, umin);
  dst.vLo = vLo;
  const mLo = shrLo(dst.mHi, dst.mLo, umin);
  dst.mHi = shrHi(dst.mHi, umin);
  dst.mLo = mLo;
  const uminLo = shrLo(dst.uminHi, dst.uminLo, umax);
  dst.uminHi = shrHi(dst.uminHi, umax);
  dst.uminLo = uminLo;
  const umaxLo = shrLo(dst.umaxHi, dst.umaxLo, umin);
  dst.umaxHi = shrHi(dst.umaxHi, umin);
  dst.umaxLo = umaxLo;
  mark32Unbounded(dst);
  updateRegBounds(dst);
}

function arsh32(dst: RegState, src: RegState): void {
  const sh = src.u32min;
  dst.s32min = dst.s32min >> sh;
  dst.s32max = dst.s32max >> sh;
  // tnum_arshift(tnum_subreg(var_off), sh, 32)
  dst.vHi = 0;
  dst.mHi = 0;
  dst.vLo = dst.vLo >> sh;
  dst.mLo = dst.mLo >> sh;
  dst.u32min = 0;
  dst.u32max = U32_MAX;
  mark64Unbounded(dst);
  updateReg32Bounds(dst);
}

function arsh64(dst: RegState, src: RegState): void {
  const sh = src.uminLo;
  let lo = sarLo(dst.sminHi, dst.sminLo, sh);
  dst.sminHi = sarHi(dst.sminHi, sh);
  dst.sminLo = lo;
  lo = sarLo(dst.smaxHi, dst.smaxLo, sh);
  dst.smaxHi = sarHi(dst.smaxHi, sh);
  dst.smaxLo = lo;
  lo = sarLo(dst.vHi, dst.vLo, sh);
  dst.vHi = sarHi(dst.vHi, sh);
  dst.vLo = lo;
  lo = sarLo(dst.mHi, dst.mLo, sh);
  dst.mHi = sarHi(dst.mHi, sh);
  dst.mLo = lo;
  dst.uminHi = 0;
  dst.uminLo = 0;
  dst.umaxHi = -1;
  dst.umaxLo = -1;
  mark32Unbounded(dst);
  updateRegBounds(dst);
}

export { lowU32, s32ToU32 };
