// 64-bit values as two 32-bit halves (hi, lo), the representation of a
// register's bounds and tnum on the verifier's hot paths: V8 keeps each half
// as a small integer, so that arithmetic and comparisons allocate nothing
// (bigints would allocate at every step). Both halves are stored as signed
// int32 (`x | 0`); the 64-bit bit pattern is hi * 2^32 + (lo >>> 0), read as
// unsigned (u64) or two's complement (s64) as the field says.

const TWO32 = 4294967296;

/** Carry out of the low halves of a + b (0 or 1). */
export const carry = (aLo: number, bLo: number): number => ((aLo >>> 0) + (bLo >>> 0) > 0xffffffff ? 1 : 0);

/** Borrow out of the low halves of a - b (0 or 1). */
export const borrow = (aLo: number, bLo: number): number => ((aLo >>> 0) < (bLo >>> 0) ? 1 : 0);

/** High half of a + b (mod 2^64). The low half is (aLo + bLo) | 0. */
export const addHi = (aHi: number, aLo: number, bHi: number, bLo: number): number => (aHi + bHi + carry(aLo, bLo)) | 0;

/** High half of a - b (mod 2^64). The low half is (aLo - bLo) | 0. */
export const subHi = (aHi: number, aLo: number, bHi: number, bLo: number): number => (aHi - bHi - borrow(aLo, bLo)) | 0;

/** a + b overflows the u64 range. */
export const addOverflowsU = (aHi: number, aLo: number, bHi: number, bLo: number): boolean =>
  (aHi >>> 0) + (bHi >>> 0) + carry(aLo, bLo) > 0xffffffff;

/** a + b (with high half rHi) overflowed the s64 range: both operands of one sign, the result of the other. */
export const addOverflowsS = (aHi: number, bHi: number, rHi: number): boolean => ((aHi ^ rHi) & (bHi ^ rHi)) < 0;

/** a - b (with high half rHi) overflowed the s64 range. */
export const subOverflowsS = (aHi: number, bHi: number, rHi: number): boolean => ((aHi ^ bHi) & (aHi ^ rHi)) < 0;

/** Unsigned a < b. */
export const ult = (aHi: number, aLo: number, bHi: number, bLo: number): boolean =>
  aHi !== bHi ? aHi >>> 0 < bHi >>> 0 : aLo >>> 0 < bLo >>> 0;

/** Unsigned a <= b. */
export const ule = (aHi: number, aLo: number, bHi: number, bLo: number): boolean =>
  aHi !== bHi ? aHi >>> 0 < bHi >>> 0 : aLo >>> 0 <= bLo >>> 0;

/** Signed a < b. */
export const slt = (aHi: number, aLo: number, bHi: number, bLo: number): boolean =>
  aHi !== bHi ? aHi < bHi : aLo >>> 0 < bLo >>> 0;

/** Signed a <= b. */
export const sle = (aHi: number, aLo: number, bHi: number, bLo: number): boolean =>
  aHi !== bHi ? aHi < bHi : aLo >>> 0 <= bLo >>> 0;

/** Number of bits needed to hold the u64 (the kernel's fls64). */
export const fls64 = (hi: number, lo: number): number => (hi !== 0 ? 64 - Math.clz32(hi) : 32 - Math.clz32(lo));

/** High half of x << n (n in 0..63). */
export function shlHi(hi: number, lo: number, n: number): number {
  if (n === 0) return hi;
  if (n >= 32) return (lo << (n - 32)) | 0;
  return ((hi << n) | (lo >>> (32 - n))) | 0;
}

/** Low half of x << n (n in 0..63). */
export const shlLo = (lo: number, n: number): number => (n >= 32 ? 0 : (lo << n) | 0);

/** High half of the logical x >> n (n in 0..63). */
export const shrHi = (hi: number, n: number): number => (n >= 32 ? 0 : (hi >>> n) | 0);

/** Low half of the logical x >> n (n in 0..63). */
export function shrLo(hi: number, lo: number, n: number): number {
  if (n === 0) return lo;
  if (n >= 32) return (hi >>> (n - 32)) | 0;
  return ((lo >>> n) | (hi << (32 - n))) | 0;
}

/** High half of the arithmetic x >> n (n in 0..63). */
export const sarHi = (hi: number, n: number): number => (n >= 32 ? hi >> 31 : hi >> n);

/** Low half of the arithmetic x >> n (n in 0..63). */
export function sarLo(hi: number, lo: number, n: number): number {
  if (n === 0) return lo;
  if (n >= 32) return hi >> (n - 32);
  return ((lo >>> n) | (hi << (32 - n))) | 0;
}

/** The u64 as a bigint. */
export const toBigU = (hi: number, lo: number): bigint => (BigInt(hi >>> 0) << 32n) | BigInt(lo >>> 0);

/** The s64 as a bigint. */
export const toBigS = (hi: number, lo: number): bigint => (BigInt(hi | 0) << 32n) | BigInt(lo >>> 0);

/** High half of a bigint's 64-bit pattern (it may be given as a u64 or an s64). */
export const hiOf = (v: bigint): number => Number(BigInt.asIntN(32, v >> 32n));

/** Low half of a bigint's 64-bit pattern. */
export const loOf = (v: bigint): number => Number(BigInt.asIntN(32, v));

/** The s64 as a number (rounded as Number(bigint) rounds when beyond 2^53). */
export const toNumS = (hi: number, lo: number): number => hi * TWO32 + (lo >>> 0);

/** The u64 as a number (rounded as Number(bigint) rounds when beyond 2^53). */
export const toNumU = (hi: number, lo: number): number => (hi >>> 0) * TWO32 + (lo >>> 0);

/** High half of a safe integer's 64-bit pattern. */
export const hiOfNum = (n: number): number => Math.floor(n / TWO32) | 0;

/** The high 32 bits of the 64-bit product of two u32 (from 16-bit limbs, exact in doubles). */
function mulHigh32(a: number, b: number): number {
  const a0 = a & 0xffff;
  const a1 = a >>> 16;
  const b0 = b & 0xffff;
  const b1 = b >>> 16;
  const mid = a0 * b1 + a1 * b0 + Math.floor((a0 * b0) / 65536);
  return a1 * b1 + Math.floor(mid / 65536);
}

/** High half of the low 64 bits of a * b (the low half is Math.imul(aLo, bLo)). */
export function mulLowHi(aHi: number, aLo: number, bHi: number, bLo: number): number {
  return (mulHigh32(aLo, bLo) + Math.imul(aHi, bLo) + Math.imul(aLo, bHi)) | 0;
}

/** The last product of mulU64/mulS64: its halves, and whether it overflowed. */
export const PRODUCT = { hi: 0, lo: 0, overflow: false };

/** a * b for u64 operands (check_mul_overflow on u64). */
export function mulU64(aHi: number, aLo: number, bHi: number, bLo: number): void {
  PRODUCT.lo = Math.imul(aLo, bLo);
  PRODUCT.hi = mulLowHi(aHi, aLo, bHi, bLo);
  if (aHi === 0 && bHi === 0) {
    PRODUCT.overflow = false;
  } else if (aHi !== 0 && bHi !== 0) {
    PRODUCT.overflow = true;
  } else {
    // One operand fits in 32 bits: the product is (hi * small) * 2^32 + lo * small.
    const hi = aHi !== 0 ? aHi >>> 0 : bHi >>> 0;
    const lo = aHi !== 0 ? aLo >>> 0 : bLo >>> 0;
    const small = aHi !== 0 ? bLo >>> 0 : aLo >>> 0;
    const lowCarry = mulHigh32(lo, small);
    PRODUCT.overflow = hi * small + lowCarry >= TWO32;
  }
}

/** a * b for s64 operands (check_mul_overflow on s64). */
export function mulS64(aHi: number, aLo: number, bHi: number, bLo: number): void {
  const aNeg = aHi < 0;
  const bNeg = bHi < 0;
  // Magnitudes as u64 (|S64_MIN| is 2^63).
  const aMagLo = aNeg ? -aLo | 0 : aLo;
  const aMagHi = aNeg ? (~aHi + (aLo === 0 ? 1 : 0)) | 0 : aHi;
  const bMagLo = bNeg ? -bLo | 0 : bLo;
  const bMagHi = bNeg ? (~bHi + (bLo === 0 ? 1 : 0)) | 0 : bHi;
  mulU64(aMagHi, aMagLo, bMagHi, bMagLo);
  const negative = aNeg !== bNeg && (PRODUCT.hi | PRODUCT.lo) !== 0;
  if (!PRODUCT.overflow) {
    // The magnitude must be below 2^63 (or exactly 2^63 for a negative product).
    if (PRODUCT.hi < 0) PRODUCT.overflow = !(negative && PRODUCT.hi === -0x80000000 && PRODUCT.lo === 0);
  }
  if (negative) {
    const lo = PRODUCT.lo;
    PRODUCT.lo = -lo | 0;
    PRODUCT.hi = (~PRODUCT.hi + (lo === 0 ? 1 : 0)) | 0;
  }
}
