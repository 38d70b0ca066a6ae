// The tnum operations of tnum.ts on 32-bit halves (see i64.ts), for the hot
// paths: each writes its result into TN (value and mask halves), which the
// caller copies out at once. Same formulas as kernel/bpf/tnum.c.
import { fls64, mulLowHi, ule, ult } from './i64.js';
import type { RegState } from './reg-state.js';

/** The result of the last operation. */
export const TN = { vHi: 0, vLo: 0, mHi: 0, mLo: 0 };

/** Stores TN as r's var_off. */
export function setVarOffFromTn(r: RegState): void {
  r.vHi = TN.vHi;
  r.vLo = TN.vLo;
  r.mHi = TN.mHi;
  r.mLo = TN.mLo;
}

/** tnum_add */
export function tnAdd(avh: number, avl: number, amh: number, aml: number, bvh: number, bvl: number, bmh: number, bml: number): void {
  // sm = a.mask + b.mask; sv = a.value + b.value; sigma = sm + sv
  const smLo = (aml + bml) | 0;
  const smHi = (amh + bmh + ((aml >>> 0) + (bml >>> 0) > 0xffffffff ? 1 : 0)) | 0;
  const svLo = (avl + bvl) | 0;
  const svHi = (avh + bvh + ((avl >>> 0) + (bvl >>> 0) > 0xffffffff ? 1 : 0)) | 0;
  const sigmaLo = (smLo + svLo) | 0;
  const sigmaHi = (smHi + svHi + ((smLo >>> 0) + (svLo >>> 0) > 0xffffffff ? 1 : 0)) | 0;
  // chi = sigma ^ sv; mu = chi | a.mask | b.mask
  const muHi = (sigmaHi ^ svHi) | amh | bmh;
  const muLo = (sigmaLo ^ svLo) | aml | bml;
  TN.vHi = svHi & ~muHi;
  TN.vLo = svLo & ~muLo;
  TN.mHi = muHi;
  TN.mLo = muLo;
}

/** tnum_sub */
export function tnSub(avh: number, avl: number, amh: number, aml: number, bvh: number, bvl: number, bmh: number, bml: number): void {
  // dv = a.value - b.value; alpha = dv + a.mask; beta = dv - b.mask
  const dvLo = (avl - bvl) | 0;
  const dvHi = (avh - bvh - ((avl >>> 0) < (bvl >>> 0) ? 1 : 0)) | 0;
  const alphaLo = (dvLo + aml) | 0;
  const alphaHi = (dvHi + amh + ((dvLo >>> 0) + (aml >>> 0) > 0xffffffff ? 1 : 0)) | 0;
  const betaLo = (dvLo - bml) | 0;
  const betaHi = (dvHi - bmh - ((dvLo >>> 0) < (bml >>> 0) ? 1 : 0)) | 0;
  const muHi = (alphaHi ^ betaHi) | amh | bmh;
  const muLo = (alphaLo ^ betaLo) | aml | bml;
  TN.vHi = dvHi & ~muHi;
  TN.vLo = dvLo & ~muLo;
  TN.mHi = muHi;
  TN.mLo = muLo;
}

/** tnum_and */
export function tnAnd(avh: number, avl: number, amh: number, aml: number, bvh: number, bvl: number, bmh: number, bml: number): void {
  const vHi = avh & bvh;
  const vLo = avl & bvl;
  TN.mHi = (avh | amh) & (bvh | bmh) & ~vHi;
  TN.mLo = (avl | aml) & (bvl | bml) & ~vLo;
  TN.vHi = vHi;
  TN.vLo = vLo;
}

/** tnum_or */
export function tnOr(avh: number, avl: number, amh: number, aml: number, bvh: number, bvl: number, bmh: number, bml: number): void {
  const vHi = avh | bvh;
  const vLo = avl | bvl;
  TN.mHi = (amh | bmh) & ~vHi;
  TN.mLo = (aml | bml) & ~vLo;
  TN.vHi = vHi;
  TN.vLo = vLo;
}

/** tnum_xor */
export function tnXor(avh: number, avl: number, amh: number, aml: number, bvh: number, bvl: number, bmh: number, bml: number): void {
  const muHi = amh | bmh;
  const muLo = aml | bml;
  TN.vHi = (avh ^ bvh) & ~muHi;
  TN.vLo = (avl ^ bvl) & ~muLo;
  TN.mHi = muHi;
  TN.mLo = muLo;
}

/**
 * tnum_mul: the product of the known parts, plus, for every bit of a that
 * may be set, b shifted into place as an unknown addend.
 */
export function tnMul(avh: number, avl: number, amh: number, aml: number, bvh: number, bvl: number, bmh: number, bml: number): void {
  const accVLo = Math.imul(avl, bvl);
  const accVHi = mulLowHi(avh, avl, bvh, bvl);
  if ((amh | aml | bmh | bml) === 0) {
    // Two constants: every addend of the loop below is a known zero.
    TN.vHi = accVHi;
    TN.vLo = accVLo;
    TN.mHi = 0;
    TN.mLo = 0;
    return;
  }
  let accMvh = 0;
  let accMvl = 0;
  let accMmh = 0;
  let accMml = 0;
  let xvh = avh;
  let xvl = avl;
  let xmh = amh;
  let xml = aml;
  let yvh = bvh;
  let yvl = bvl;
  let ymh = bmh;
  let yml = bml;
  while ((xvh | xvl | xmh | xml) !== 0) {
    if (xvl & 1) {
      tnAdd(accMvh, accMvl, accMmh, accMml, 0, 0, ymh, yml);
      accMvh = TN.vHi; accMvl = TN.vLo; accMmh = TN.mHi; accMml = TN.mLo;
    } else if (xml & 1) {
      tnAdd(accMvh, accMvl, accMmh, accMml, 0, 0, yvh | ymh, yvl | yml);
      accMvh = TN.vHi; accMvl = TN.vLo; accMmh = TN.mHi; accMml = TN.mLo;
    }
    // x >>= 1; y <<= 1
    xvl = (xvl >>> 1) | (xvh << 31);
    xvh = xvh >>> 1;
    xml = (xml >>> 1) | (xmh << 31);
    xmh = xmh >>> 1;
    yvh = (yvh << 1) | (yvl >>> 31);
    yvl = yvl << 1;
    ymh = (ymh << 1) | (yml >>> 31);
    yml = yml << 1;
  }
  tnAdd(accVHi, accVLo, 0, 0, accMvh, accMvl, accMmh, accMml);
}

/** tnum_intersect */
export function tnIntersect(avh: number, avl: number, amh: number, aml: number, bvh: number, bvl: number, bmh: number, bml: number): void {
  const muHi = amh & bmh;
  const muLo = aml & bml;
  TN.vHi = (avh | bvh) & ~muHi;
  TN.vLo = (avl | bvl) & ~muLo;
  TN.mHi = muHi;
  TN.mLo = muLo;
}

/** The result of tnStep. */
export const STEP = { hi: 0, lo: 0 };

/**
 * tnum_step: the smallest member of the tnum greater than z (the tnum's
 * largest member when z is at or past it, its smallest when z is below it).
 * Members are value + s for the submasks s of mask, so this finds the next
 * submask above d = z - value by adding one "through" the unknown bits.
 */
export function tnStep(vh: number, vl: number, mh: number, ml: number, zh: number, zl: number): void {
  const maxHi = vh | mh;
  const maxLo = vl | ml;
  if (ule(maxHi, maxLo, zh, zl)) {
    STEP.hi = maxHi; STEP.lo = maxLo;
    return;
  }
  if (ult(zh, zl, vh, vl)) {
    STEP.hi = vh; STEP.lo = vl;
    return;
  }
  const dLo = (zl - vl) | 0;
  const dHi = (zh - vh - ((zl >>> 0) < (vl >>> 0) ? 1 : 0)) | 0;
  // Below the highest known-bit 1 of d, every bit is filled so the carry passes.
  const k = fls64(dHi & ~mh, dLo & ~ml);
  const cLo = k >= 32 ? -1 : ((1 << k) - 1) | 0;
  const cHi = k <= 32 ? 0 : ((1 << (k - 32)) - 1) | 0;
  const fLo = dLo | cLo | ~ml;
  const fHi = dHi | cHi | ~mh;
  const incLo = ((fLo + 1) | 0) & ml;
  const incHi = ((fHi + (fLo === -1 ? 1 : 0)) | 0) & mh;
  STEP.hi = vh | incHi;
  STEP.lo = vl | incLo;
}
