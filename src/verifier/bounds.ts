// Scalar bounds: the kernel's __mark_reg_known/unbounded, __update_reg_bounds,
// __reg_deduce_bounds, __reg_bound_offset and reg_bounds_sync, written for
// RegState (64-bit bounds as bigints, 32-bit bounds as numbers).
import { RegType } from './reg-type.js';
import { RegState, S32_MAX, S32_MIN, S64_MAX, S64_MIN, U32_MAX, U64_MAX } from './reg-state.js';
import {
  TNUM_UNKNOWN, tnumClearSubreg, tnumConst, tnumConstSubreg, tnumIntersect, tnumIsConst, tnumOr, tnumRange,
  tnumSubreg, tnumSubregIsConst,
} from './tnum.js';

export const toS64 = (v: bigint): bigint => BigInt.asIntN(64, v);
export const toU64 = (v: bigint): bigint => BigInt.asUintN(64, v);
/** (u32)v of a 64-bit value. */
export const lowU32 = (v: bigint): number => Number(v & 0xffffffffn);
/** (s32)v of a 64-bit value. */
export const lowS32 = (v: bigint): number => Number(BigInt.asIntN(32, v));
export const u32ToS32 = (v: number): number => v | 0;
export const s32ToU32 = (v: number): number => v >>> 0;

const maxBig = (a: bigint, b: bigint): bigint => (a > b ? a : b);
const minBig = (a: bigint, b: bigint): bigint => (a < b ? a : b);

export function mark64Unbounded(r: RegState): void {
  r.smin = S64_MIN;
  r.smax = S64_MAX;
  r.umin = 0n;
  r.umax = U64_MAX;
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

/** ___mark_reg_known: the value is exactly imm (a u64 or s64 bigint). */
export function setKnown(r: RegState, imm: bigint): void {
  const u = toU64(imm);
  r.varOff = tnumConst(u);
  r.smin = r.smax = toS64(u);
  r.umin = r.umax = u;
  r.s32min = r.s32max = lowS32(u);
  r.u32min = r.u32max = lowU32(u);
}

/** __mark_reg32_known: the low 32 bits are exactly imm. */
export function setKnown32(r: RegState, imm: bigint): void {
  r.varOff = tnumConstSubreg(r.varOff, imm & 0xffffffffn);
  r.s32min = r.s32max = lowS32(imm);
  r.u32min = r.u32max = lowU32(imm);
}

/** __mark_reg_known: clears identity and pointer fields, then sets the constant. */
export function markKnown(r: RegState, imm: bigint): void {
  r.off = 0;
  r.map = -1;
  r.range = 0;
  r.memSize = 0;
  r.subprogno = 0;
  r.id = 0;
  r.refObjId = 0;
  r.addConst = 0;
  setKnown(r, imm);
}

/** __mark_reg_unknown: an unknown scalar. */
export function markScalarUnknown(r: RegState): void {
  r.type = RegType.SCALAR_VALUE;
  r.off = 0;
  r.map = -1;
  r.range = 0;
  r.memSize = 0;
  r.subprogno = 0;
  r.id = 0;
  r.refObjId = 0;
  r.frameno = 0;
  r.precise = false;
  r.addConst = 0;
  r.varOff = TNUM_UNKNOWN;
  markUnbounded(r);
}

export function markNotInit(r: RegState): void {
  markScalarUnknown(r);
  r.type = RegType.NOT_INIT;
}

/** A known scalar (constant). */
export function markScalarKnown(r: RegState, imm: bigint): void {
  markScalarUnknown(r);
  setKnown(r, imm);
}

/** __update_reg32_bounds: learn the 32-bit bounds from the tnum. */
export function updateReg32Bounds(r: RegState): void {
  const v = tnumSubreg(r.varOff);
  const value = Number(v.value);
  const mask = Number(v.mask);
  // (s32)(value | (mask & S32_MIN)) and (s32)(value | (mask & S32_MAX))
  const smin = ((value | (mask & 0x80000000)) | 0);
  const smax = ((value | (mask & 0x7fffffff)) | 0);
  r.s32min = Math.max(r.s32min, smin);
  r.s32max = Math.min(r.s32max, smax);
  r.u32min = Math.max(r.u32min, value);
  r.u32max = Math.min(r.u32max, (value | mask) >>> 0);
}

/** __update_reg64_bounds: learn the 64-bit bounds from the tnum. */
export function updateReg64Bounds(r: RegState): void {
  const { value, mask } = r.varOff;
  r.smin = maxBig(r.smin, toS64(value | (mask & (1n << 63n))));
  r.smax = minBig(r.smax, toS64(value | (mask & S64_MAX)));
  r.umin = maxBig(r.umin, value);
  r.umax = minBig(r.umax, value | mask);
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
  const uminHi = r.umin >> 32n;
  const umaxHi = r.umax >> 32n;
  const uminLoU = Number(r.umin & 0xffffffffn);
  const umaxLoU = Number(r.umax & 0xffffffffn);
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
  const sminHi = r.smin >> 32n;
  const smaxHi = r.smax >> 32n;
  const sminLoU = Number(r.smin & 0xffffffffn);
  const smaxLoU = Number(r.smax & 0xffffffffn);
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
  if (((Number(uminHi & 0xffffffffn) + 1) >>> 0) === Number(umaxHi & 0xffffffffn) && uminLoS < 0 && umaxLoS >= 0) {
    if (uminLoS > s32min) s32min = uminLoS;
    if (umaxLoS < s32max) s32max = umaxLoS;
  }
  if (((Number(sminHi & 0xffffffffn) + 1) >>> 0) === Number(smaxHi & 0xffffffffn) && sminLoS < 0 && smaxLoS >= 0) {
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
  if (toS64(r.umin) <= toS64(r.umax)) {
    r.smin = maxBig(r.smin, toS64(r.umin));
    r.smax = minBig(r.smax, toS64(r.umax));
  }
  if (toU64(r.smin) <= toU64(r.smax)) {
    r.umin = maxBig(toU64(r.smin), r.umin);
    r.umax = minBig(toU64(r.smax), r.umax);
  } else {
    // The s64 range wraps through the u64 top: if the u64 range overlaps
    // only its positive or only its negative part, both can be narrowed.
    if (r.umax < toU64(r.smin)) {
      r.smin = toS64(r.umin);
      r.umax = minBig(r.umax, toU64(r.smax));
    } else if (toU64(r.smax) < r.umin) {
      r.smax = toS64(r.umax);
      r.umin = maxBig(r.umin, toU64(r.smin));
    }
  }
}

/** __reg_deduce_mixed_bounds: 64-bit bounds from the 32-bit ones. */
function regDeduceMixedBounds(r: RegState): void {
  const lo32min = BigInt(r.u32min);
  const lo32max = BigInt(r.u32max);
  // Keep the upper half of each 64-bit bound, put the 32-bit bound below it.
  const newUmin = (r.umin & HI_MASK) | lo32min;
  const newUmax = (r.umax & HI_MASK) | lo32max;
  if (newUmin > r.umin) r.umin = newUmin;
  if (newUmax < r.umax) r.umax = newUmax;
  const newSmin = BigInt.asIntN(64, ((r.smin & HI_MASK) | lo32min));
  const newSmax = BigInt.asIntN(64, ((r.smax & HI_MASK) | lo32max));
  if (newSmin > r.smin) r.smin = newSmin;
  if (newSmax < r.smax) r.smax = newSmax;
  // After a sign-extending load the s32 range may be all there is to know.
  if (r.s32min >= 0 && r.smin >= S32_MIN_N && r.smax <= S32_MAX_N) {
    r.smin = BigInt(r.s32min);
    r.smax = BigInt(r.s32max);
    r.umin = r.smin;
    r.umax = r.smax;
    r.varOff = tnumIntersect(r.varOff, tnumRange(r.smin, r.smax));
  }
}

const HI_MASK = 0xffffffff00000000n;
const S32_MIN_N = BigInt(S32_MIN);
const S32_MAX_N = BigInt(S32_MAX);

export function regDeduceBounds(r: RegState): void {
  reg32DeduceBounds(r);
  reg64DeduceBounds(r);
  regDeduceMixedBounds(r);
}

/** __reg_bound_offset: learn tnum bits from the unsigned bounds. */
export function regBoundOffset(r: RegState): void {
  const var64 = tnumIntersect(r.varOff, tnumRange(r.umin, r.umax));
  const var32 = tnumIntersect(tnumSubreg(var64), tnumRange(BigInt(r.u32min), BigInt(r.u32max)));
  r.varOff = tnumOr(tnumClearSubreg(var64), var32);
}

/** reg_bounds_sync: bring the tnum and the eight bounds into agreement. */
export function regBoundsSync(r: RegState): void {
  if (r.varOff.mask === 0n) {
    // A known value: the bounds are that value (when they are consistent with it).
    const v = r.varOff.value;
    if (r.umin <= v && v <= r.umax && r.smin <= BigInt.asIntN(64, v) && BigInt.asIntN(64, v) <= r.smax) {
      const lo = Number(v & 0xffffffffn);
      if (r.u32min <= lo && lo <= r.u32max && r.s32min <= (lo | 0) && (lo | 0) <= r.s32max) {
        setKnown(r, v);
        return;
      }
    }
  }
  updateRegBounds(r);
  // The kernel runs the deduction three times; stop early at a fixed point.
  for (let pass = 0; pass < 3; pass++) {
    const { umin, umax, smin, smax, u32min, u32max, s32min, s32max, varOff } = r;
    regDeduceBounds(r);
    if (r.umin === umin && r.umax === umax && r.smin === smin && r.smax === smax && r.u32min === u32min &&
      r.u32max === u32max && r.s32min === s32min && r.s32max === s32max && r.varOff === varOff) break;
  }
  regBoundOffset(r);
  updateRegBounds(r);
}

/** False when the bounds are contradictory (no value satisfies them). */
export function boundsConsistent(r: RegState): boolean {
  if (r.umin > r.umax || r.smin > r.smax || r.u32min > r.u32max || r.s32min > r.s32max) return false;
  const { value, mask } = r.varOff;
  if (value & mask) return false;
  // The tnum's extremes must overlap the unsigned range.
  if (value > r.umax || (value | mask) < r.umin) return false;
  if (tnumIsConst(r.varOff)) {
    if (r.umin !== value || r.umax !== value || r.smin !== toS64(value) || r.smax !== toS64(value)) return false;
  }
  if (tnumSubregIsConst(r.varOff)) {
    const v32 = value & 0xffffffffn;
    if (r.u32min !== Number(v32) || r.u32max !== Number(v32) || r.s32min !== lowS32(v32) || r.s32max !== lowS32(v32)) return false;
  }
  return true;
}

/** __reg_assign_32_into_64: the value is the zero-extended subregister. */
export function assign32Into64(r: RegState): void {
  r.umin = BigInt(r.u32min);
  r.umax = BigInt(r.u32max);
  if (r.s32min >= 0 && r.s32max >= 0) {
    r.smin = BigInt(r.s32min);
    r.smax = BigInt(r.s32max);
  } else {
    r.smin = 0n;
    r.smax = BigInt(U32_MAX);
  }
}

/** zext_32_to_64: the result of an ALU32 operation. */
export function zext32To64(r: RegState): void {
  r.varOff = tnumSubreg(r.varOff);
  assign32Into64(r);
}

/** coerce_reg_to_size: keep the low `size` bytes (size < 8). */
export function coerceRegToSize(r: RegState, size: number): void {
  r.varOff = tnumCastSize(r.varOff, size);
  const mask = (1n << BigInt(size * 8)) - 1n;
  if ((r.umin & ~mask) === (r.umax & ~mask)) {
    r.umin &= mask;
    r.umax &= mask;
  } else {
    r.umin = 0n;
    r.umax = mask;
  }
  r.smin = r.umin;
  r.smax = r.umax;
  if (size < 4) mark32Unbounded(r);
  regBoundsSync(r);
}

function tnumCastSize(t: { value: bigint; mask: bigint }, size: number): { value: bigint; mask: bigint } {
  const m = (1n << BigInt(size * 8)) - 1n;
  return { value: t.value & m, mask: t.mask & m };
}

const signExtend = (v: bigint, bits: number): bigint => BigInt.asIntN(bits, v);

/** coerce_reg_to_size_sx: sign-extend the low `size` bytes (1, 2 or 4) to 64 bits. */
export function coerceRegToSizeSx(r: RegState, size: number): void {
  const bits = size * 8;
  if (tnumIsConst(r.varOff)) {
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
  r.umax = U64_MAX;
  r.u32max = U32_MAX;
  r.varOff = TNUM_UNKNOWN;
}

/** coerce_subreg_to_size_sx: sign-extend the low `size` bytes (1 or 2) to 32 bits. */
export function coerceSubregToSizeSx(r: RegState, size: number): void {
  const bits = size * 8;
  if (tnumIsConst(r.varOff)) {
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
      r.varOff = tnumSubreg(tnumRange(toU64(BigInt(lo)), toU64(BigInt(hi))));
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
  return subreg32 ? tnumSubregIsConst(r.varOff) : tnumIsConst(r.varOff);
}

export function regConstValue(r: RegState, subreg32: boolean): bigint {
  return subreg32 ? r.varOff.value & 0xffffffffn : r.varOff.value;
}

/** The number of low bits that may be set (get_reg_width). */
export function regWidth(r: RegState): number {
  return r.umax === 0n ? 0 : r.umax.toString(2).length;
}
