// 64-bit operations on registers split into signed 32-bit halves (lo, hi).
// Small enough for V8 to inline into the interpreter loop.

/** Unsigned a < b. */
export function ltu64(al: number, ah: number, bl: number, bh: number): boolean {
  return ah === bh ? al >>> 0 < bl >>> 0 : ah >>> 0 < bh >>> 0;
}

/** Signed a < b. */
export function lts64(al: number, ah: number, bl: number, bh: number): boolean {
  return ah === bh ? al >>> 0 < bl >>> 0 : ah < bh;
}

/** dst *= b modulo 2^64: the low 32x32 product in 16-bit pieces, cross terms with Math.imul. */
export function mul64(lo: Int32Array, hi: Int32Array, d: number, bl: number, bh: number): void {
  const al = lo[d];
  const ah = hi[d];
  const a0 = al & 0xffff;
  const a1 = al >>> 16;
  const b0 = bl & 0xffff;
  const b1 = bl >>> 16;
  const p00 = a0 * b0;
  const p01 = a0 * b1;
  const p10 = a1 * b0;
  const mid = (p00 >>> 16) + (p01 & 0xffff) + (p10 & 0xffff);
  lo[d] = (mid << 16) | (p00 & 0xffff);
  hi[d] = (a1 * b1 + (p01 >>> 16) + (p10 >>> 16) + (mid >>> 16) + Math.imul(al, bh) + Math.imul(ah, bl)) | 0;
}

export function shl64(lo: Int32Array, hi: Int32Array, d: number, n: number): void {
  if (n === 0) return;
  if (n < 32) {
    hi[d] = (hi[d] << n) | (lo[d] >>> (32 - n));
    lo[d] = lo[d] << n;
  } else {
    hi[d] = lo[d] << (n - 32);
    lo[d] = 0;
  }
}

export function shr64(lo: Int32Array, hi: Int32Array, d: number, n: number): void {
  if (n === 0) return;
  if (n < 32) {
    lo[d] = (lo[d] >>> n) | (hi[d] << (32 - n));
    hi[d] = hi[d] >>> n;
  } else {
    lo[d] = hi[d] >>> (n - 32);
    hi[d] = 0;
  }
}

export function sar64(lo: Int32Array, hi: Int32Array, d: number, n: number): void {
  if (n === 0) return;
  if (n < 32) {
    lo[d] = (lo[d] >>> n) | (hi[d] << (32 - n));
    hi[d] = hi[d] >> n;
  } else {
    lo[d] = hi[d] >> (n - 32);
    hi[d] = hi[d] >> 31;
  }
}

export function bswap16(x: number): number {
  return ((x & 0xff) << 8) | ((x >>> 8) & 0xff);
}

export function bswap32(x: number): number {
  return ((x & 0xff) << 24) | ((x & 0xff00) << 8) | ((x >>> 8) & 0xff00) | (x >>> 24);
}
