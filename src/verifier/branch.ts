// Conditional jumps on scalars: whether a branch is decided by what is known
// (is_scalar_branch_taken) and what each arm teaches about its operands
// (regs_refine_cond_op), for 64-bit and 32-bit comparisons.
import * as op from '../isa/opcodes.js';
import { isRegConst, markUnbounded, s32ToU32 } from './bounds.js';
import { sle, slt, ule, ult } from './i64.js';
import type { RegState } from './reg-state.js';

/** Marker for the negation of BPF_JSET (rev_opcode(BPF_JSET)). */
export const BPF_JSET_NOT = op.BPF_JSET | op.BPF_X;

/** The opcode with its operands swapped (a < b is b > a). */
export function flipOpcode(opc: number): number {
  switch (opc) {
    case op.BPF_JGT: return op.BPF_JLT;
    case op.BPF_JLT: return op.BPF_JGT;
    case op.BPF_JGE: return op.BPF_JLE;
    case op.BPF_JLE: return op.BPF_JGE;
    case op.BPF_JSGT: return op.BPF_JSLT;
    case op.BPF_JSLT: return op.BPF_JSGT;
    case op.BPF_JSGE: return op.BPF_JSLE;
    case op.BPF_JSLE: return op.BPF_JSGE;
    default: return opc;
  }
}

/** The opcode that holds on the fall-through arm (the negation). */
export function revOpcode(opc: number): number {
  switch (opc) {
    case op.BPF_JEQ: return op.BPF_JNE;
    case op.BPF_JNE: return op.BPF_JEQ;
    case op.BPF_JSET: return BPF_JSET_NOT;
    case BPF_JSET_NOT: return op.BPF_JSET;
    case op.BPF_JGT: return op.BPF_JLE;
    case op.BPF_JLE: return op.BPF_JGT;
    case op.BPF_JGE: return op.BPF_JLT;
    case op.BPF_JLT: return op.BPF_JGE;
    case op.BPF_JSGT: return op.BPF_JSLE;
    case op.BPF_JSLE: return op.BPF_JSGT;
    case op.BPF_JSGE: return op.BPF_JSLT;
    case op.BPF_JSLT: return op.BPF_JSGE;
    default: return opc;
  }
}

/** An operand as a comparison of one width sees it: bounds and tnum as 64-bit halves. */
class View {
  uminHi = 0; uminLo = 0; umaxHi = 0; umaxLo = 0;
  sminHi = 0; sminLo = 0; smaxHi = 0; smaxLo = 0;
  vHi = 0; vLo = 0; mHi = 0; mLo = 0;
}

const VIEW_A = new View();
const VIEW_B = new View();

function view(r: RegState, jmp32: boolean, out: View): View {
  if (jmp32) {
    out.uminHi = 0; out.uminLo = r.u32min | 0; out.umaxHi = 0; out.umaxLo = r.u32max | 0;
    out.sminHi = r.s32min < 0 ? -1 : 0; out.sminLo = r.s32min | 0;
    out.smaxHi = r.s32max < 0 ? -1 : 0; out.smaxLo = r.s32max | 0;
    out.vHi = 0; out.vLo = r.vLo; out.mHi = 0; out.mLo = r.mLo;
  } else {
    out.uminHi = r.uminHi; out.uminLo = r.uminLo; out.umaxHi = r.umaxHi; out.umaxLo = r.umaxLo;
    out.sminHi = r.sminHi; out.sminLo = r.sminLo; out.smaxHi = r.smaxHi; out.smaxLo = r.smaxLo;
    out.vHi = r.vHi; out.vLo = r.vLo; out.mHi = r.mHi; out.mLo = r.mLo;
  }
  return out;
}

const viewConst = (v: View): boolean => (v.mHi | v.mLo) === 0;
/** a.umin > b.umax or a.umax < b.umin: the unsigned ranges do not meet. */
const uDisjoint = (a: View, b: View): boolean =>
  ult(b.umaxHi, b.umaxLo, a.uminHi, a.uminLo) || ult(a.umaxHi, a.umaxLo, b.uminHi, b.uminLo);
const sDisjoint = (a: View, b: View): boolean =>
  slt(b.smaxHi, b.smaxLo, a.sminHi, a.sminLo) || slt(a.smaxHi, a.smaxLo, b.sminHi, b.sminLo);
/** Some bit is known in both and differs. */
const knownBitsDiffer = (a: View, b: View): boolean =>
  (((a.vHi ^ b.vHi) & ~(a.mHi | b.mHi)) | ((a.vLo ^ b.vLo) & ~(a.mLo | b.mLo))) !== 0;

/** 1: always taken, 0: never taken, -1: unknown. Both registers are scalars. */
export function isScalarBranchTaken(r1: RegState, r2: RegState, opc: number, jmp32: boolean): number {
  const a = view(r1, jmp32, VIEW_A);
  const b = view(r2, jmp32, VIEW_B);
  switch (opc) {
    case op.BPF_JEQ:
      if (viewConst(a) && viewConst(b)) return a.vHi === b.vHi && a.vLo === b.vLo ? 1 : 0;
      if (uDisjoint(a, b)) return 0;
      if (sDisjoint(a, b)) return 0;
      if (!jmp32) {
        if (r1.u32min > r2.u32max || r1.u32max < r2.u32min) return 0;
        if (r1.s32min > r2.s32max || r1.s32max < r2.s32min) return 0;
      }
      if (knownBitsDiffer(a, b)) return 0;
      return -1;
    case op.BPF_JNE:
      if (viewConst(a) && viewConst(b)) return a.vHi !== b.vHi || a.vLo !== b.vLo ? 1 : 0;
      if (uDisjoint(a, b)) return 1;
      if (sDisjoint(a, b)) return 1;
      if (!jmp32) {
        if (r1.u32min > r2.u32max || r1.u32max < r2.u32min) return 1;
        if (r1.s32min > r2.s32max || r1.s32max < r2.s32min) return 1;
      }
      if (knownBitsDiffer(a, b)) return 1;
      return -1;
    case op.BPF_JSET: {
      let t1 = a;
      let t2 = b;
      let c2 = r2;
      if (!isRegConst(c2, jmp32)) {
        c2 = r1;
        t1 = b;
        t2 = a;
      }
      if (!isRegConst(c2, jmp32)) return -1;
      if ((((~t1.mHi & t1.vHi) & t2.vHi) | ((~t1.mLo & t1.vLo) & t2.vLo)) !== 0) return 1;
      if ((((t1.mHi | t1.vHi) & t2.vHi) | ((t1.mLo | t1.vLo) & t2.vLo)) === 0) return 0;
      return -1;
    }
    case op.BPF_JGT:
      if (ult(b.umaxHi, b.umaxLo, a.uminHi, a.uminLo)) return 1;
      if (ule(a.umaxHi, a.umaxLo, b.uminHi, b.uminLo)) return 0;
      return -1;
    case op.BPF_JSGT:
      if (slt(b.smaxHi, b.smaxLo, a.sminHi, a.sminLo)) return 1;
      if (sle(a.smaxHi, a.smaxLo, b.sminHi, b.sminLo)) return 0;
      return -1;
    case op.BPF_JLT:
      if (ult(a.umaxHi, a.umaxLo, b.uminHi, b.uminLo)) return 1;
      if (ule(b.umaxHi, b.umaxLo, a.uminHi, a.uminLo)) return 0;
      return -1;
    case op.BPF_JSLT:
      if (slt(a.smaxHi, a.smaxLo, b.sminHi, b.sminLo)) return 1;
      if (sle(b.smaxHi, b.smaxLo, a.sminHi, a.sminLo)) return 0;
      return -1;
    case op.BPF_JGE:
      if (ule(b.umaxHi, b.umaxLo, a.uminHi, a.uminLo)) return 1;
      if (ult(a.umaxHi, a.umaxLo, b.uminHi, b.uminLo)) return 0;
      return -1;
    case op.BPF_JSGE:
      if (sle(b.smaxHi, b.smaxLo, a.sminHi, a.sminLo)) return 1;
      if (slt(a.smaxHi, a.smaxLo, b.sminHi, b.sminLo)) return 0;
      return -1;
    case op.BPF_JLE:
      if (ule(a.umaxHi, a.umaxLo, b.uminHi, b.uminLo)) return 1;
      if (ult(b.umaxHi, b.umaxLo, a.uminHi, a.uminLo)) return 0;
      return -1;
    case op.BPF_JSLE:
      if (sle(a.smaxHi, a.smaxLo, b.sminHi, b.sminLo)) return 1;
      if (slt(b.smaxHi, b.smaxLo, a.sminHi, a.sminLo)) return 0;
      return -1;
  }
  return -1;
}

/** The 64-bit constant has exactly one bit set. */
const isPowerOf2 = (hi: number, lo: number): boolean =>
  hi === 0 ? lo !== 0 && (lo & (lo - 1)) === 0 : lo === 0 && (hi & (hi - 1)) === 0;

/** tnum_with_subreg(r.var_off, t) for a 32-bit tnum t (value and mask low halves). */
function withSubreg(r: RegState, tv: number, tm: number): void {
  r.mHi &= ~r.vHi;
  r.vLo = tv;
  r.mLo = tm & ~tv;
}

/**
 * Narrows r1 and r2 (scalars) to the values for which `r1 <opc> r2` holds.
 * The caller syncs bounds afterwards.
 */
export function regsRefineCondOp(r1In: RegState, r2In: RegState, opcIn: number, jmp32: boolean): void {
  let r1 = r1In;
  let r2 = r2In;
  let opc = opcIn;
  switch (opc) {
    case op.BPF_JGE: case op.BPF_JGT: case op.BPF_JSGE: case op.BPF_JSGT:
      opc = flipOpcode(opc);
      r1 = r2In;
      r2 = r1In;
      break;
  }
  switch (opc) {
    case op.BPF_JEQ:
      if (jmp32) {
        r1.u32min = Math.max(r1.u32min, r2.u32min);
        r1.u32max = Math.min(r1.u32max, r2.u32max);
        r1.s32min = Math.max(r1.s32min, r2.s32min);
        r1.s32max = Math.min(r1.s32max, r2.s32max);
        r2.u32min = r1.u32min;
        r2.u32max = r1.u32max;
        r2.s32min = r1.s32min;
        r2.s32max = r1.s32max;
        // t = tnum_intersect(tnum_subreg(r1), tnum_subreg(r2))
        const tm = r1.mLo & r2.mLo;
        const tv = (r1.vLo | r2.vLo) & ~tm;
        withSubreg(r1, tv, tm);
        withSubreg(r2, tv, tm);
      } else {
        if (ult(r1.uminHi, r1.uminLo, r2.uminHi, r2.uminLo)) { r1.uminHi = r2.uminHi; r1.uminLo = r2.uminLo; }
        if (ult(r2.umaxHi, r2.umaxLo, r1.umaxHi, r1.umaxLo)) { r1.umaxHi = r2.umaxHi; r1.umaxLo = r2.umaxLo; }
        if (slt(r1.sminHi, r1.sminLo, r2.sminHi, r2.sminLo)) { r1.sminHi = r2.sminHi; r1.sminLo = r2.sminLo; }
        if (slt(r2.smaxHi, r2.smaxLo, r1.smaxHi, r1.smaxLo)) { r1.smaxHi = r2.smaxHi; r1.smaxLo = r2.smaxLo; }
        r2.uminHi = r1.uminHi; r2.uminLo = r1.uminLo;
        r2.umaxHi = r1.umaxHi; r2.umaxLo = r1.umaxLo;
        r2.sminHi = r1.sminHi; r2.sminLo = r1.sminLo;
        r2.smaxHi = r1.smaxHi; r2.smaxLo = r1.smaxLo;
        // tnum_intersect
        const mHi = r1.mHi & r2.mHi;
        const mLo = r1.mLo & r2.mLo;
        r1.vHi = (r1.vHi | r2.vHi) & ~mHi;
        r1.vLo = (r1.vLo | r2.vLo) & ~mLo;
        r1.mHi = mHi;
        r1.mLo = mLo;
        r2.vHi = r1.vHi; r2.vLo = r1.vLo; r2.mHi = mHi; r2.mLo = mLo;
      }
      break;
    case op.BPF_JNE: {
      if (!isRegConst(r2, jmp32)) { const t = r1; r1 = r2; r2 = t; }
      if (!isRegConst(r2, jmp32)) break;
      if (jmp32) {
        const u = r2.vLo >>> 0;
        const s = u | 0;
        if (r1.u32min === u) r1.u32min++;
        if (r1.u32max === u) r1.u32max--;
        if (r1.s32min === s) r1.s32min++;
        if (r1.s32max === s) r1.s32max--;
      } else {
        const hi = r2.vHi;
        const lo = r2.vLo;
        if (r1.uminHi === hi && r1.uminLo === lo) { r1.uminLo = (lo + 1) | 0; r1.uminHi = (hi + (lo === -1 ? 1 : 0)) | 0; }
        if (r1.umaxHi === hi && r1.umaxLo === lo) { r1.umaxLo = (lo - 1) | 0; r1.umaxHi = (hi - (lo === 0 ? 1 : 0)) | 0; }
        if (r1.sminHi === hi && r1.sminLo === lo) { r1.sminLo = (lo + 1) | 0; r1.sminHi = (hi + (lo === -1 ? 1 : 0)) | 0; }
        if (r1.smaxHi === hi && r1.smaxLo === lo) { r1.smaxLo = (lo - 1) | 0; r1.smaxHi = (hi - (lo === 0 ? 1 : 0)) | 0; }
      }
      break;
    }
    case op.BPF_JSET: {
      if (!isRegConst(r2, jmp32)) { const t = r1; r1 = r2; r2 = t; }
      if (!isRegConst(r2, jmp32)) break;
      const valHi = jmp32 ? 0 : r2.vHi;
      const valLo = r2.vLo;
      if (!isPowerOf2(valHi, valLo)) break;
      if (jmp32) {
        // t = tnum_or(tnum_subreg(r1), tnum_const(val))
        const tv = r1.vLo | valLo;
        const tm = r1.mLo & ~tv;
        withSubreg(r1, tv, tm);
      } else {
        const vHi = r1.vHi | valHi;
        const vLo = r1.vLo | valLo;
        r1.mHi &= ~vHi;
        r1.mLo &= ~vLo;
        r1.vHi = vHi;
        r1.vLo = vLo;
      }
      break;
    }
    case BPF_JSET_NOT: {
      if (!isRegConst(r2, jmp32)) { const t = r1; r1 = r2; r2 = t; }
      if (!isRegConst(r2, jmp32)) break;
      const valHi = jmp32 ? 0 : r2.vHi;
      const valLo = r2.vLo;
      markUnbounded(r1);
      if (jmp32) {
        // t = tnum_and(tnum_subreg(r1), tnum_const(~val))
        const tv = r1.vLo & ~valLo;
        const tm = (r1.vLo | r1.mLo) & ~valLo & ~tv;
        withSubreg(r1, tv, tm);
      } else {
        const vHi = r1.vHi & ~valHi;
        const vLo = r1.vLo & ~valLo;
        r1.mHi = (r1.vHi | r1.mHi) & ~valHi & ~vHi;
        r1.mLo = (r1.vLo | r1.mLo) & ~valLo & ~vLo;
        r1.vHi = vHi;
        r1.vLo = vLo;
      }
      break;
    }
    case op.BPF_JLE:
      if (jmp32) {
        r1.u32max = Math.min(r1.u32max, r2.u32max);
        r2.u32min = Math.max(r1.u32min, r2.u32min);
      } else {
        if (ult(r2.umaxHi, r2.umaxLo, r1.umaxHi, r1.umaxLo)) { r1.umaxHi = r2.umaxHi; r1.umaxLo = r2.umaxLo; }
        if (ult(r2.uminHi, r2.uminLo, r1.uminHi, r1.uminLo)) { r2.uminHi = r1.uminHi; r2.uminLo = r1.uminLo; }
      }
      break;
    case op.BPF_JLT:
      if (jmp32) {
        r1.u32max = Math.min(r1.u32max, s32ToU32(r2.u32max - 1));
        r2.u32min = Math.max(s32ToU32(r1.u32min + 1), r2.u32min);
      } else {
        // m = r2.umax - 1 (mod 2^64); n = r1.umin + 1 (mod 2^64)
        const mLo = (r2.umaxLo - 1) | 0;
        const mHi = (r2.umaxHi - (r2.umaxLo === 0 ? 1 : 0)) | 0;
        if (ult(mHi, mLo, r1.umaxHi, r1.umaxLo)) { r1.umaxHi = mHi; r1.umaxLo = mLo; }
        const nLo = (r1.uminLo + 1) | 0;
        const nHi = (r1.uminHi + (r1.uminLo === -1 ? 1 : 0)) | 0;
        if (ult(r2.uminHi, r2.uminLo, nHi, nLo)) { r2.uminHi = nHi; r2.uminLo = nLo; }
      }
      break;
    case op.BPF_JSLE:
      if (jmp32) {
        r1.s32max = Math.min(r1.s32max, r2.s32max);
        r2.s32min = Math.max(r1.s32min, r2.s32min);
      } else {
        if (slt(r2.smaxHi, r2.smaxLo, r1.smaxHi, r1.smaxLo)) { r1.smaxHi = r2.smaxHi; r1.smaxLo = r2.smaxLo; }
        if (slt(r2.sminHi, r2.sminLo, r1.sminHi, r1.sminLo)) { r2.sminHi = r1.sminHi; r2.sminLo = r1.sminLo; }
      }
      break;
    case op.BPF_JSLT:
      if (jmp32) {
        r1.s32max = Math.min(r1.s32max, (r2.s32max - 1) | 0);
        r2.s32min = Math.max((r1.s32min + 1) | 0, r2.s32min);
      } else {
        const mLo = (r2.smaxLo - 1) | 0;
        const mHi = (r2.smaxHi - (r2.smaxLo === 0 ? 1 : 0)) | 0;
        if (slt(mHi, mLo, r1.smaxHi, r1.smaxLo)) { r1.smaxHi = mHi; r1.smaxLo = mLo; }
        const nLo = (r1.sminLo + 1) | 0;
        const nHi = (r1.sminHi + (r1.sminLo === -1 ? 1 : 0)) | 0;
        if (slt(r2.sminHi, r2.sminLo, nHi, nLo)) { r2.sminHi = nHi; r2.sminLo = nLo; }
      }
      break;
  }
}
