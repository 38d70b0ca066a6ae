// Scalar bounds: the kernel's __mark_reg_known/unbounded, __update_reg_bounds,
// __reg_deduce_bounds, __reg_bound_offset and reg_bounds_sync, written for
// RegState (64-bit values as 32-bit halves, see i64.ts; 32-bit bounds as
// numbers).
import { RegType } from './reg-type.js';
import { RegState, S32_MAX, S32_MIN, U32_MAX } from './reg-state.js';
import { fls64, hiOf, loOf, sle, slt, ule, ult } from './i64.js';
import { TNUM_UNKNOWN, tnumConst, tnumRange } from './tnum.js';
import { STEP, tnStep } from './tnum-halves.js';

export const toS64 = (v: bigint): bigint => BigInt.asIntN(64, v);
export const toU64 = (v: bigint): bigint => BigInt.asUintN(64, v);
/** (u32)v of a 64-bit value. */
export const lowU32 = (v: bigint): number => Number(v & 0xffffffffn);
export const s32ToU32 = (v: number): number => v >>> 0;

export function mark64Unbounded(r: RegState): void {
  r.sminHi = -0x80000000;
  r.sminLo = 0;
  r.smaxHi = 0x7fffffff;
  r.smaxLo = -1;
  r.uminHi = 0;
  r.uminLo = 0;
  r.umaxHi = -1;
  r.umaxLo = -1;
}

export function mark32Unbounded(r: RegState): void {
  r.s32min = S32_MIN;
  r.s32max = S32_MAX;
  r.u32min = 0;
  r.u32max = U32_MAX;
}

export function markUnbounded(r: RegState): void {
  mark64Unbounded(r);
  mark32Unbounded(r);
}

/** ___mark_reg_known: the value is exactly hi:lo. */
export function setKnownHalves(r: RegState, hi: number, lo: number): void {
  r.vHi = hi;
  r.vLo = lo;
  r.mHi = 0;
  r.mLo = 0;
  r.sminHi = r.smaxHi = r.uminHi = r.umaxHi = hi;
  r.sminLo = r.smaxLo = r.uminLo = r.umaxLo = lo;
  r.s32min = r.s32max = lo | 0;
  r.u32min = r.u32max = lo >>> 0;
}

/** ___mark_reg_known: the value is exactly imm (a u64 or s64 bigint). */
export function setKnown(r: RegState, imm: bigint): void {
  setKnownHalves(r, hiOf(imm), loOf(imm));
}

/** __mark_reg32_known: the low 32 bits are exactly lo. */
export function setKnown32Lo(r: RegState, lo: number): void {
  // tnum_const_subreg: the upper half kept, the lower half known.
  r.mHi &= ~r.vHi;
  r.vLo = lo | 0;
  r.mLo = 0;
  r.s32min = r.s32max = lo | 0;
  r.u32min = r.u32max = lo >>> 0;
}

function clearIdentity(r: RegState): void {
  r.off = 0;
  r.map = -1;
  r.range = 0;
  r.memSize = 0;
  r.subprogno = 0;
  r.id = 0;
  r.refObjId = 0;
  r.addConst = 0;
}

/** __mark_reg_known: clears identity and pointer fields, then sets the constant hi:lo. */
export function markKnownHalves(r: RegState, hi: number, lo: number): void {
  clearIdentity(r);
  setKnownHalves(r, hi, lo);
}

/** __mark_reg_known: clears identity and pointer fields, then sets the constant. */
export function markKnown(r: RegState, imm: bigint): void {
  markKnownHalves(r, hiOf(imm), loOf(imm));
}

/** __mark_reg_unknown: an unknown scalar. */
export function markScalarUnknown(r: RegState): void {
  r.type = RegType.SCALAR_VALUE;
  clearIdentity(r);
  r.frameno = 0;
  r.precise = false;
  r.vHi = 0;
  r.vLo = 0;
  r.mHi = -1;
  r.mLo = -1;
  markUnbounded(r);
}

export function markNotInit(r: RegState): void {
  markScalarUnknown(r);
  r.type = RegType.NOT_INIT;
}

/** __update_reg32_bounds: learn the 32-bit bounds from the tnum. */
export function updateReg32Bounds(r: RegState): void {
  const value = r.vLo >>> 0;
  const mask = r.mLo >>> 0;
  // (s32)(value | (mask & S32_MIN)) and (s32)(value | (mask & S32_MAX))
  const smin = ((value | (mask & 0x80000000)) | 0);
  const smax = ((value | (mask & 0x7fffffff)) | 0);
  if (smin > r.s32min) r.s32min = smin;
  if (smax < r.s32max) r.s32max = smax;
  if (value > r.u32min) r.u32min = value;
  const umax = (value | mask) >>> 0;
  if (umax < r.u32max) r.u32max = umax;
}

/** __update_reg64_bounds: learn the 64-bit bounds from the tnum. */
export function updateReg64Bounds(r: RegState): void {
  const vHi = r.vHi;
  const vLo = r.vLo;
  const mHi = r.mHi;
  const mLo = r.mLo;
  // smin = max(smin, (s64)(value | (mask & S64_MIN)))
  let hi = vHi | (mHi & 0x80000000);
  let lo = vLo;
  if (slt(r.sminHi, r.sminLo, hi, lo)) {
    r.sminHi = hi;
    r.sminLo = lo;
  }
  // smax = min(smax, (s64)(value | (mask & S64_MAX)))
  hi = vHi | (mHi & 0x7fffffff);
  lo = vLo | mLo;
  if (slt(hi, lo, r.smaxHi, r.smaxLo)) {
    r.smaxHi = hi;
    r.smaxLo = lo;
  }
  if (ult(r.uminHi, r.uminLo, vHi, vLo)) {
    r.uminHi = vHi;
    r.uminLo = vLo;
  }
  hi = vHi | mHi;
  lo = vLo | mLo;
  if (ult(hi, lo, r.umaxHi, r.umaxLo)) {
    r.umaxHi = hi;
    r.umaxLo = lo;
  }
  knownFromSingleOverlap(r);
}

/**
 * When the u64 range and the tnum share a single value, the register is that
 * value (the kernel's tnum_step check in __update_reg64_bounds). Where they
 * share none, the kernel too lands on a constant, which keeps an impossible
 * branch's bounds consistent.
 */
function knownFromSingleOverlap(r: RegState): void {
  const { vHi, vLo, mHi, mLo, uminHi, uminLo, umaxHi, umaxLo } = r;
  tnStep(vHi, vLo, mHi, mLo, uminHi, uminLo);
  const nextHi = STEP.hi;
  const nextLo = STEP.lo;
  const uminInTnum = (uminHi & ~mHi) === vHi && (uminLo & ~mLo) === vLo;
  if (uminInTnum) {
    if (ult(umaxHi, umaxLo, nextHi, nextLo)) setKnownHalves(r, uminHi, uminLo);
    return;
  }
  if (nextHi === (vHi | mHi) && nextLo === (vLo | mLo)) {
    setKnownHalves(r, nextHi, nextLo);
    return;
  }
  if (ult(umaxHi, umaxLo, nextHi, nextLo)) return;
  tnStep(vHi, vLo, mHi, mLo, nextHi, nextLo);
  if (ult(umaxHi, umaxLo, STEP.hi, STEP.lo)) setKnownHalves(r, nextHi, nextLo);
}

export function updateRegBounds(r: RegState): void {
  updateReg32Bounds(r);
  updateReg64Bounds(r);
}

/** __reg32_deduce_bounds: 32-bit bounds from the 64-bit ones and from each other. */
function reg32DeduceBounds(r: RegState): void {
  let u32min = r.u32min;
  let u32max = r.u32max;
  let s32min = r.s32min;
  let s32max = r.s32max;
  const uminHi = r.uminHi;
  const umaxHi = r.umaxHi;
  const uminLoU = r.uminLo >>> 0;
  const umaxLoU = r.umaxLo >>> 0;
  const uminLoS = uminLoU | 0;
  const umaxLoS = umaxLoU | 0;
  // If the upper 32 bits of the u64/s64 range do not change, the lower 32
  // bits of the bounds bound the subregister.
  if (uminHi === umaxHi) {
    if (uminLoU > u32min) u32min = uminLoU;
    if (umaxLoU < u32max) u32max = umaxLoU;
    if (uminLoS <= umaxLoS) {
      if (uminLoS > s32min) s32min = uminLoS;
      if (umaxLoS < s32max) s32max = umaxLoS;
    }
  }
  const sminHi = r.sminHi;
  const smaxHi = r.smaxHi;
  const sminLoU = r.sminLo >>> 0;
  const smaxLoU = r.smaxLo >>> 0;
  const sminLoS = sminLoU | 0;
  const smaxLoS = smaxLoU | 0;
  if (sminHi === smaxHi) {
    if (sminLoU > u32min) u32min = sminLoU;
    if (smaxLoU < u32max) u32max = smaxLoU;
    if (sminLoS <= smaxLoS) {
      if (sminLoS > s32min) s32min = sminLoS;
      if (smaxLoS < s32max) s32max = smaxLoS;
    }
  }
  // Upper halves that are two consecutive numbers, with the low half
  // crossing from negative to positive: still a valid s32 range.
  if (((uminHi + 1) >>> 0) === umaxHi >>> 0 && uminLoS < 0 && umaxLoS >= 0) {
    if (uminLoS > s32min) s32min = uminLoS;
    if (umaxLoS < s32max) s32max = umaxLoS;
  }
  if (((sminHi + 1) >>> 0) === smaxHi >>> 0 && sminLoS < 0 && smaxLoS >= 0) {
    if (sminLoS > s32min) s32min = sminLoS;
    if (smaxLoS < s32max) s32max = smaxLoS;
  }
  // A u32 range that does not cross the s32 sign boundary is an s32 range.
  if ((u32min | 0) <= (u32max | 0)) {
    if ((u32min | 0) > s32min) s32min = u32min | 0;
    if ((u32max | 0) < s32max) s32max = u32max | 0;
  }
  // An s32 range that does not cross the u32 boundary is a u32 range.
  if ((s32min >>> 0) <= (s32max >>> 0)) {
    if ((s32min >>> 0) > u32min) u32min = s32min >>> 0;
    if ((s32max >>> 0) < u32max) u32max = s32max >>> 0;
  } else if (u32max < (s32min >>> 0)) {
    // The s32 range wraps: if the u32 range overlaps only one end, tighten both.
    s32min = u32min | 0;
    if ((s32max >>> 0) < u32max) u32max = s32max >>> 0;
  } else if ((s32max >>> 0) < u32min) {
    s32max = u32max | 0;
    if ((s32min >>> 0) > u32min) u32min = s32min >>> 0;
  }
  r.u32min = u32min;
  r.u32max = u32max;
  r.s32min = s32min;
  r.s32max = s32max;
}

/** __reg64_deduce_bounds: signed and unsigned 64-bit bounds from each other. */
function reg64DeduceBounds(r: RegState): void {
  // (s64)umin <= (s64)umax: the u64 range is an s64 range.
  if (sle(r.uminHi, r.uminLo, r.umaxHi, r.umaxLo)) {
    if (slt(r.sminHi, r.sminLo, r.uminHi, r.uminLo)) {
      r.sminHi = r.uminHi;
      r.sminLo = r.uminLo;
    }
    if (slt(r.umaxHi, r.umaxLo, r.smaxHi, r.smaxLo)) {
      r.smaxHi = r.umaxHi;
      r.smaxLo = r.umaxLo;
    }
  }
  if (ule(r.sminHi, r.sminLo, r.smaxHi, r.smaxLo)) {
    if (ult(r.uminHi, r.uminLo, r.sminHi, r.sminLo)) {
      r.uminHi = r.sminHi;
      r.uminLo = r.sminLo;
    }
    if (ult(r.smaxHi, r.smaxLo, r.umaxHi, r.umaxLo)) {
      r.umaxHi = r.smaxHi;
      r.umaxLo = r.smaxLo;
    }
  } else if (ult(r.umaxHi, r.umaxLo, r.sminHi, r.sminLo)) {
    // The s64 range wraps through the u64 top: if the u64 range overlaps
    // only its positive or only its negative part, both can be narrowed.
    r.sminHi = r.uminHi;
    r.sminLo = r.uminLo;
    if (ult(r.smaxHi, r.smaxLo, r.umaxHi, r.umaxLo)) {
      r.umaxHi = r.smaxHi;
      r.umaxLo = r.smaxLo;
    }
  } else if (ult(r.smaxHi, r.smaxLo, r.uminHi, r.uminLo)) {
    r.smaxHi = r.umaxHi;
    r.smaxLo = r.umaxLo;
    if (ult(r.uminHi, r.uminLo, r.sminHi, r.sminLo)) {
      r.uminHi = r.sminHi;
      r.uminLo = r.sminLo;
    }
  }
}

/** __reg_deduce_mixed_bounds: 64-bit bounds from the 32-bit ones. */
function regDeduceMixedBounds(r: RegState): void {
  // Keep the upper half of each 64-bit bound, put the 32-bit bound below it.
  const lo32min = r.u32min | 0;
  const lo32max = r.u32max | 0;
  if (ult(r.uminHi, r.uminLo, r.uminHi, lo32min)) r.uminLo = lo32min;
  if (ult(r.umaxHi, lo32max, r.umaxHi, r.umaxLo)) r.umaxLo = lo32max;
  if (slt(r.sminHi, r.sminLo, r.sminHi, lo32min)) r.sminLo = lo32min;
  if (slt(r.smaxHi, lo32max, r.smaxHi, r.smaxLo)) r.smaxLo = lo32max;
  // After a sign-extending load the s32 range may be all there is to know:
  // smin >= S32_MIN and smax <= S32_MAX.
  if (r.s32min >= 0 && sle(-1, S32_MIN, r.sminHi, r.sminLo) && sle(r.smaxHi, r.smaxLo, 0, S32_MAX)) {
    const minHi = r.s32min < 0 ? -1 : 0;
    const maxHi = r.s32max < 0 ? -1 : 0;
    r.sminHi = r.uminHi = minHi;
    r.sminLo = r.uminLo = r.s32min | 0;
    r.smaxHi = r.umaxHi = maxHi;
    r.smaxLo = r.umaxLo = r.s32max | 0;
    tnumIntersectRange(r, minHi, r.s32min | 0, maxHi, r.s32max | 0);
  }
}

/** var_off = tnum_intersect(var_off, tnum_range(min, max)) (min and max unsigned). */
function tnumIntersectRange(r: RegState, minHi: number, minLo: number, maxHi: number, maxLo: number): void {
  const bits = fls64(minHi ^ maxHi, minLo ^ maxLo);
  let rvHi: number;
  let rvLo: number;
  let rmHi: number;
  let rmLo: number;
  if (bits > 63) {
    rvHi = rvLo = 0;
    rmHi = rmLo = -1;
  } else {
    rmHi = bits > 32 ? ((1 << (bits - 32)) - 1) | 0 : 0;
    rmLo = bits >= 32 ? -1 : ((1 << bits) - 1) | 0;
    rvHi = minHi & ~rmHi;
    rvLo = minLo & ~rmLo;
  }
  const vHi = r.vHi | rvHi;
  const vLo = r.vLo | rvLo;
  const mHi = r.mHi & rmHi;
  const mLo = r.mLo & rmLo;
  r.vHi = vHi & ~mHi;
  r.vLo = vLo & ~mLo;
  r.mHi = mHi;
  r.mLo = mLo;
}

export function regDeduceBounds(r: RegState): void {
  reg32DeduceBounds(r);
  reg64DeduceBounds(r);
  regDeduceMixedBounds(r);
}

/** __reg_bound_offset: learn tnum bits from the unsigned bounds. */
export function regBoundOffset(r: RegState): void {
  // var64 = tnum_intersect(var_off, tnum_range(umin, umax))
  tnumIntersectRange(r, r.uminHi, r.uminLo, r.umaxHi, r.umaxLo);
  // var32 = tnum_intersect(tnum_subreg(var64), tnum_range(u32min, u32max))
  const hi = r.vHi;
  const mhi = r.mHi;
  r.vHi = 0;
  r.mHi = 0;
  tnumIntersectRange(r, 0, r.u32min | 0, 0, r.u32max | 0);
  // var_off = tnum_or(tnum_clear_subreg(var64), var32)
  const vLo = r.vLo;
  const mLo = r.mLo;
  r.vHi = hi;
  r.mHi = mhi & ~hi;
  r.mLo = mLo & ~vLo;
}

/** reg_bounds_sync: bring the tnum and the eight bounds into agreement. */
export function regBoundsSync(r: RegState): void {
  if ((r.mHi | r.mLo) === 0) {
    // A known value: the bounds are that value (when they are consistent with it).
    const hi = r.vHi;
    const lo = r.vLo;
    if (ule(r.uminHi, r.uminLo, hi, lo) && ule(hi, lo, r.umaxHi, r.umaxLo) &&
      sle(r.sminHi, r.sminLo, hi, lo) && sle(hi, lo, r.smaxHi, r.smaxLo)) {
      const lou = lo >>> 0;
      if (r.u32min <= lou && lou <= r.u32max && r.s32min <= (lo | 0) && (lo | 0) <= r.s32max) {
        setKnownHalves(r, hi, lo);
        return;
      }
    }
  }
  updateRegBounds(r);
  // The kernel runs the deduction three times; stop early at a fixed point.
  for (let pass = 0; pass < 3; pass++) {
    const uminHi = r.uminHi; const uminLo = r.uminLo; const umaxHi = r.umaxHi; const umaxLo = r.umaxLo;
    const sminHi = r.sminHi; const sminLo = r.sminLo; const smaxHi = r.smaxHi; const smaxLo = r.smaxLo;
    const u32min = r.u32min; const u32max = r.u32max; const s32min = r.s32min; const s32max = r.s32max;
    const vHi = r.vHi; const vLo = r.vLo; const mHi = r.mHi; const mLo = r.mLo;
    regDeduceBounds(r);
    if (r.uminHi === uminHi && r.uminLo === uminLo && r.umaxHi === umaxHi && r.umaxLo === umaxLo &&
      r.sminHi === sminHi && r.sminLo === sminLo && r.smaxHi === smaxHi && r.smaxLo === smaxLo &&
      r.u32min === u32min && r.u32max === u32max && r.s32min === s32min && r.s32max === s32max &&
      r.vHi === vHi && r.vLo === vLo && r.mHi === mHi && r.mLo === mLo) break;
  }
  regBoundOffset(r);
  updateRegBounds(r);
}

/** __reg_assign_32_into_64: the value is the zero-extended subregister. */
export function assign32Into64(r: RegState): void {
  r.uminHi = 0;
  r.uminLo = r.u32min | 0;
  r.umaxHi = 0;
  r.umaxLo = r.u32max | 0;
  if (r.s32min >= 0 && r.s32max >= 0) {
    r.sminHi = 0;
    r.sminLo = r.s32min;
    r.smaxHi = 0;
    r.smaxLo = r.s32max;
  } else {
    r.sminHi = 0;
    r.sminLo = 0;
    r.smaxHi = 0;
    r.smaxLo = -1;
  }
}

/** zext_32_to_64: the result of an ALU32 operation. */
export function zext32To64(r: RegState): void {
  r.vHi = 0;
  r.mHi = 0;
  assign32Into64(r);
}

/** coerce_reg_to_size: keep the low `size` bytes (size < 8). */
export function coerceRegToSize(r: RegState, size: number): void {
  const maskLo = size >= 4 ? -1 : (1 << (size * 8)) - 1;
  r.vHi = 0;
  r.vLo &= maskLo;
  r.mHi = 0;
  r.mLo &= maskLo;
  if (r.uminHi === r.umaxHi && (r.uminLo & ~maskLo) === (r.umaxLo & ~maskLo)) {
    r.uminLo &= maskLo;
    r.umaxLo &= maskLo;
  } else {
    r.uminLo = 0;
    r.umaxLo = maskLo;
  }
  r.uminHi = 0;
  r.umaxHi = 0;
  r.sminHi = 0;
  r.sminLo = r.uminLo;
  r.smaxHi = 0;
  r.smaxLo = r.umaxLo;
  if (size < 4) mark32Unbounded(r);
  regBoundsSync(r);
}

const signExtend = (v: bigint, bits: number): bigint => BigInt.asIntN(bits, v);

/** coerce_reg_to_size_sx: sign-extend the low `size` bytes (1, 2 or 4) to 64 bits. */
export function coerceRegToSizeSx(r: RegState, size: number): void {
  const bits = size * 8;
  if (r.isConst()) {
    const v = signExtend(r.varOff.value, bits);
    setKnown(r, v);
    return;
  }
  const topMax = (toU64(r.smax) >> BigInt(bits)) << BigInt(bits);
  const topMin = (toU64(r.smin) >> BigInt(bits)) << BigInt(bits);
  if (topMax === topMin) {
    const a = signExtend(r.smax, bits);
    const b = signExtend(r.smin, bits);
    const hi = a > b ? a : b;
    const lo = a > b ? b : a;
    if ((hi >= 0n) === (lo >= 0n)) {
      r.smin = lo;
      r.smax = hi;
      r.s32min = Number(lo);
      r.s32max = Number(hi);
      r.umin = toU64(lo);
      r.umax = toU64(hi);
      r.u32min = lowU32(lo);
      r.u32max = lowU32(hi);
      r.varOff = tnumRange(toU64(lo), toU64(hi));
      return;
    }
  }
  const lim = 1n << BigInt(bits - 1);
  r.smin = -lim;
  r.smax = lim - 1n;
  r.s32min = Number(-lim);
  r.s32max = Number(lim - 1n);
  r.umin = 0n;
  r.u32min = 0;
  r.umaxHi = -1;
  r.umaxLo = -1;
  r.u32max = U32_MAX;
  r.varOff = TNUM_UNKNOWN;
}

/** coerce_subreg_to_size_sx: sign-extend the low `size` bytes (1 or 2) to 32 bits. */
export function coerceSubregToSizeSx(r: RegState, size: number): void {
  const bits = size * 8;
  if (r.isConst()) {
    const v = signExtend(r.varOff.value, bits);
    r.varOff = tnumConst(toU64(v));
    r.s32min = r.s32max = Number(v);
    r.u32min = r.u32max = lowU32(v);
    return;
  }
  const topMax = (s32ToU32(r.s32max) >>> bits) << bits;
  const topMin = (s32ToU32(r.s32min) >>> bits) << bits;
  if (topMax === topMin) {
    const a = Number(signExtend(BigInt(r.s32max), bits));
    const b = Number(signExtend(BigInt(r.s32min), bits));
    const hi = Math.max(a, b);
    const lo = Math.min(a, b);
    if ((hi >= 0) === (lo >= 0)) {
      r.s32min = lo;
      r.s32max = hi;
      r.u32min = s32ToU32(lo);
      r.u32max = s32ToU32(hi);
      const range = tnumRange(toU64(BigInt(lo)), toU64(BigInt(hi)));
      r.varOff = { value: range.value & 0xffffffffn, mask: range.mask & 0xffffffffn };
      return;
    }
  }
  const lim = 1 << (bits - 1);
  r.s32min = -lim;
  r.s32max = lim - 1;
  r.u32min = 0;
  r.u32max = U32_MAX;
  r.varOff = TNUM_UNKNOWN;
}

/** is_reg_const: the register (or its subregister) holds one known value. */
export function isRegConst(r: RegState, subreg32: boolean): boolean {
  if (r.type !== RegType.SCALAR_VALUE) return false;
  return subreg32 ? r.mLo === 0 : (r.mHi | r.mLo) === 0;
}

export function regConstValue(r: RegState, subreg32: boolean): bigint {
  return subreg32 ? BigInt(r.vLo >>> 0) : r.varOff.value;
}

/** The number of low bits that may be set (get_reg_width). */
export function regWidth(r: RegState): number {
  return fls64(r.umaxHi, r.umaxLo);
}

