// Tracked numbers ("tnums"), as kernel/bpf/tnum.c defines them: for each of
// the 64 bits, either known (value bit) or unknown (mask bit set). Both fields
// are unsigned 64-bit bigints and value & mask is always 0.
//
// A register holds its tnum as 32-bit halves and the hot paths use
// tnum-halves.ts; these bigint versions serve the paths off them (printing,
// sign extension) and are the reference scripts/verifier-halves-check.ts
// compares the halves with.

export interface Tnum {
  readonly value: bigint;
  readonly mask: bigint;
}

export const U64_MAX = (1n << 64n) - 1n;
export const U32_MAX_N = 0xffffffffn;

const u64 = (v: bigint): bigint => BigInt.asUintN(64, v);
const s64 = (v: bigint): bigint => BigInt.asIntN(64, v);

export const tnum = (value: bigint, mask: bigint): Tnum => ({ value, mask });
export const TNUM_UNKNOWN: Tnum = Object.freeze({ value: 0n, mask: U64_MAX });
export const TNUM_ZERO: Tnum = Object.freeze({ value: 0n, mask: 0n });

export const tnumConst = (value: bigint): Tnum => ({ value: u64(value), mask: 0n });

/** Number of bits needed to hold x (the kernel's fls64). */
function fls64(x: bigint): number {
  return x === 0n ? 0 : x.toString(2).length;
}

/** The tightest tnum holding every value of [min, max] (unsigned). */
export function tnumRange(min: bigint, max: bigint): Tnum {
  const chi = min ^ max;
  const bits = fls64(chi);
  if (bits > 63) return TNUM_UNKNOWN;
  const delta = (1n << BigInt(bits)) - 1n;
  return { value: min & ~delta & U64_MAX, mask: delta };
}

export const tnumLshift = (a: Tnum, shift: number): Tnum =>
  ({ value: u64(a.value << BigInt(shift)), mask: u64(a.mask << BigInt(shift)) });

export const tnumRshift = (a: Tnum, shift: number): Tnum =>
  ({ value: a.value >> BigInt(shift), mask: a.mask >> BigInt(shift) });

/** Arithmetic right shift of the 64-bit (or, with bits 32, the 32-bit sign-extended) value. */
export function tnumArshift(a: Tnum, minShift: number, bits: 32 | 64): Tnum {
  const sh = BigInt(minShift);
  if (bits === 32) {
    return {
      value: BigInt.asUintN(32, BigInt.asIntN(32, a.value) >> sh),
      mask: BigInt.asUintN(32, BigInt.asIntN(32, a.mask) >> sh),
    };
  }
  return { value: u64(s64(a.value) >> sh), mask: u64(s64(a.mask) >> sh) };
}

export function tnumAdd(a: Tnum, b: Tnum): Tnum {
  const sm = u64(a.mask + b.mask);
  const sv = u64(a.value + b.value);
  const sigma = u64(sm + sv);
  const chi = sigma ^ sv;
  const mu = chi | a.mask | b.mask;
  return { value: sv & ~mu & U64_MAX, mask: mu };
}

export function tnumSub(a: Tnum, b: Tnum): Tnum {
  const dv = u64(a.value - b.value);
  const alpha = u64(dv + a.mask);
  const beta = u64(dv - b.mask);
  const chi = alpha ^ beta;
  const mu = chi | a.mask | b.mask;
  return { value: dv & ~mu & U64_MAX, mask: mu };
}

export function tnumNeg(a: Tnum): Tnum {
  return tnumSub(TNUM_ZERO, a);
}

export function tnumAnd(a: Tnum, b: Tnum): Tnum {
  const alpha = a.value | a.mask;
  const beta = b.value | b.mask;
  const v = a.value & b.value;
  return { value: v, mask: alpha & beta & ~v & U64_MAX };
}

export function tnumOr(a: Tnum, b: Tnum): Tnum {
  const v = a.value | b.value;
  const mu = a.mask | b.mask;
  return { value: v, mask: mu & ~v & U64_MAX };
}

export function tnumXor(a: Tnum, b: Tnum): Tnum {
  const v = a.value ^ b.value;
  const mu = a.mask | b.mask;
  return { value: v & ~mu & U64_MAX, mask: mu };
}

/**
 * Multiplication: the product of the known parts, plus, for every bit of a
 * that may be set, b shifted into place as an unknown addend.
 */
export function tnumMul(a: Tnum, b: Tnum): Tnum {
  const accV = u64(a.value * b.value);
  let accM: Tnum = TNUM_ZERO;
  let x = a;
  let y = b;
  while (x.value !== 0n || x.mask !== 0n) {
    if (x.value & 1n) accM = tnumAdd(accM, { value: 0n, mask: y.mask });
    else if (x.mask & 1n) accM = tnumAdd(accM, { value: 0n, mask: y.value | y.mask });
    x = tnumRshift(x, 1);
    y = tnumLshift(y, 1);
  }
  return tnumAdd({ value: accV, mask: 0n }, accM);
}

/** Values that both a and b allow (the caller knows they overlap). */
export function tnumIntersect(a: Tnum, b: Tnum): Tnum {
  const v = a.value | b.value;
  const mu = a.mask & b.mask;
  return { value: v & ~mu & U64_MAX, mask: mu };
}

/** Reverses the order of the low `bytes` bytes of each half of the tnum (upper bits become 0). */
export function tnumBswap(a: Tnum, bytes: 2 | 4 | 8): Tnum {
  const swap = (v: bigint): bigint => {
    let out = 0n;
    for (let i = 0; i < bytes; i++) out = (out << 8n) | ((v >> BigInt(8 * i)) & 0xffn);
    return out;
  };
  return { value: swap(a.value), mask: swap(a.mask) };
}

/** Keeps the low `size` bytes. */
export function tnumCast(a: Tnum, size: number): Tnum {
  if (size >= 8) return a;
  const m = (1n << BigInt(size * 8)) - 1n;
  return { value: a.value & m, mask: a.mask & m };
}

export const tnumIsConst = (a: Tnum): boolean => a.mask === 0n;
export const tnumIsUnknown = (a: Tnum): boolean => a.mask === U64_MAX;
export const tnumEquals = (a: Tnum, b: Tnum): boolean => a.value === b.value && a.mask === b.mask;
export const tnumEqualsConst = (a: Tnum, v: bigint): boolean => a.mask === 0n && a.value === v;

export function tnumIsAligned(a: Tnum, size: number): boolean {
  if (!size) return true;
  return ((a.value | a.mask) & BigInt(size - 1)) === 0n;
}

/** True when every value b allows is one a allows. */
export function tnumIn(a: Tnum, b: Tnum): boolean {
  if (b.mask & ~a.mask) return false;
  return a.value === (b.value & ~a.mask);
}

export const tnumSubreg = (a: Tnum): Tnum => tnumCast(a, 4);
export const tnumClearSubreg = (a: Tnum): Tnum => tnumLshift(tnumRshift(a, 32), 32);
export const tnumWithSubreg = (reg: Tnum, subreg: Tnum): Tnum => tnumOr(tnumClearSubreg(reg), tnumSubreg(subreg));
export const tnumConstSubreg = (a: Tnum, value: bigint): Tnum => tnumWithSubreg(a, tnumConst(value));
export const tnumSubregIsConst = (a: Tnum): boolean => (a.mask & U32_MAX_N) === 0n;

/** The kernel's tnum_strn: a constant as a number, else "(%#llx; %#llx)". */
export function tnumStr(a: Tnum): string {
  if (a.mask === 0n) return a.value <= 0xffffn ? a.value.toString() : hexAlt(a.value);
  return `(${hexAlt(a.value)}; ${hexAlt(a.mask)})`;
}

/** printf's %#llx: "0x" prefix except for zero. */
export function hexAlt(v: bigint): string {
  return v === 0n ? '0x0' : `0x${v.toString(16)}`;
}
