// Division and modulo, the kernel's way: division by zero gives 0, modulo by
// zero leaves dst (the 32-bit forms then zero-extend it), and the signed
// forms (off = 1) truncate toward zero with INT_MIN / -1 = INT_MIN and
// INT_MIN % -1 = 0. Values are split registers (see Machine). Unsigned 64-bit
// dividends with 32-bit divisors use long division in 16-bit digits; the
// rare remaining 64-bit cases take a BigInt path.

/** Quotient (hi, lo) and remainder of the last divU64by32. */
let quotientHi = 0;
let quotientLo = 0;
let remainder = 0;

/**
 * Unsigned (ah:al) / d for 0 < d < 2^32, in 16-bit digits so that every
 * intermediate stays below 2^48, where doubles divide exactly.
 */
function divU64by32(ah: number, al: number, d: number): void {
  const hi = ah >>> 0;
  const lo = al >>> 0;
  quotientHi = Math.floor(hi / d);
  let r = hi - quotientHi * d;
  let t = r * 65536 + (lo >>> 16);
  const q1 = Math.floor(t / d);
  r = t - q1 * d;
  t = r * 65536 + (lo & 0xffff);
  const q0 = Math.floor(t / d);
  remainder = t - q0 * d;
  quotientLo = (q1 << 16) | q0;
}

const toU64 = (lo: number, hi: number): bigint => (BigInt(hi >>> 0) << 32n) | BigInt(lo >>> 0);
const toS64 = (lo: number, hi: number): bigint => BigInt.asIntN(64, toU64(lo, hi));

function store(lo: Int32Array, hi: Int32Array, d: number, value: bigint): void {
  lo[d] = Number(BigInt.asIntN(32, value));
  hi[d] = Number(BigInt.asIntN(32, value >> 32n));
}

export function div64(lo: Int32Array, hi: Int32Array, d: number, bl: number, bh: number, signed: boolean): void {
  const al = lo[d];
  const ah = hi[d];
  if (bl === 0 && bh === 0) {
    lo[d] = 0;
    hi[d] = 0;
  } else if (!signed && bh === 0) {
    divU64by32(ah, al, bl >>> 0);
    lo[d] = quotientLo;
    hi[d] = quotientHi;
  } else if (signed && ah === al >> 31 && bh === bl >> 31) {
    // Both fit in int32: the quotient fits in 33 bits (INT32_MIN / -1 = 2^31).
    const q = Math.trunc(al / bl);
    lo[d] = q | 0;
    hi[d] = q < 0 ? -1 : 0;
  } else if (signed) {
    store(lo, hi, d, toS64(al, ah) / toS64(bl, bh));
  } else {
    store(lo, hi, d, toU64(al, ah) / toU64(bl, bh));
  }
}

export function mod64(lo: Int32Array, hi: Int32Array, d: number, bl: number, bh: number, signed: boolean): void {
  const al = lo[d];
  const ah = hi[d];
  if (bl === 0 && bh === 0) return;
  if (!signed && bh === 0) {
    divU64by32(ah, al, bl >>> 0);
    lo[d] = remainder;
    hi[d] = 0;
  } else if (signed && ah === al >> 31 && bh === bl >> 31) {
    const r = al % bl; // sign of the dividend, as C; INT32_MIN % -1 = -0 -> 0
    lo[d] = r | 0;
    hi[d] = r < 0 ? -1 : 0;
  } else if (signed) {
    store(lo, hi, d, toS64(al, ah) % toS64(bl, bh));
  } else {
    store(lo, hi, d, toU64(al, ah) % toU64(bl, bh));
  }
}

export function div32(lo: Int32Array, hi: Int32Array, d: number, b: number, signed: boolean): void {
  const a = lo[d];
  hi[d] = 0;
  if (b === 0) lo[d] = 0;
  else if (signed) lo[d] = Math.trunc(a / b) | 0; // INT32_MIN / -1 = 2^31 -> INT32_MIN
  else lo[d] = ((a >>> 0) / (b >>> 0)) >>> 0;
}

export function mod32(lo: Int32Array, hi: Int32Array, d: number, b: number, signed: boolean): void {
  const a = lo[d];
  hi[d] = 0;
  if (b === 0) return;
  lo[d] = signed ? (a % b) | 0 : (a >>> 0) % (b >>> 0);
}
