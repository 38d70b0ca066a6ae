// Conditional jumps on scalars: whether a branch is decided by what is known
// (is_scalar_branch_taken) and what each arm teaches about its operands
// (regs_refine_cond_op), for 64-bit and 32-bit comparisons.
import * as op from '../isa/opcodes.js';
import { isRegConst, markUnbounded, regConstValue, s32ToU32 } from './bounds.js';
import { RegState } from './reg-state.js';
import {
  tnumAnd, tnumConst, tnumIntersect, tnumIsConst, tnumOr, tnumSubreg, tnumWithSubreg, U64_MAX,
} from './tnum.js';

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

interface View {
  umin: bigint; umax: bigint; smin: bigint; smax: bigint;
  t: { value: bigint; mask: bigint };
}

function view(r: RegState, jmp32: boolean): View {
  if (jmp32) {
    return {
      umin: BigInt(r.u32min), umax: BigInt(r.u32max), smin: BigInt(r.s32min), smax: BigInt(r.s32max),
      t: tnumSubreg(r.varOff),
    };
  }
  return { umin: r.umin, umax: r.umax, smin: r.smin, smax: r.smax, t: r.varOff };
}

/** 1: always taken, 0: never taken, -1: unknown. Both registers are scalars. */
export function isScalarBranchTaken(r1: RegState, r2: RegState, opc: number, jmp32: boolean): number {
  const a = view(r1, jmp32);
  const b = view(r2, jmp32);
  switch (opc) {
    case op.BPF_JEQ:
      if (tnumIsConst(a.t) && tnumIsConst(b.t)) return a.t.value === b.t.value ? 1 : 0;
      if (a.umin > b.umax || a.umax < b.umin) return 0;
      if (a.smin > b.smax || a.smax < b.smin) return 0;
      if (!jmp32) {
        if (r1.u32min > r2.u32max || r1.u32max < r2.u32min) return 0;
        if (r1.s32min > r2.s32max || r1.s32max < r2.s32min) return 0;
      }
      // Bits known to differ.
      if (((a.t.value ^ b.t.value) & ~(a.t.mask | b.t.mask) & U64_MAX) !== 0n) return 0;
      return -1;
    case op.BPF_JNE:
      if (tnumIsConst(a.t) && tnumIsConst(b.t)) return a.t.value !== b.t.value ? 1 : 0;
      if (a.umin > b.umax || a.umax < b.umin) return 1;
      if (a.smin > b.smax || a.smax < b.smin) return 1;
      if (!jmp32) {
        if (r1.u32min > r2.u32max || r1.u32max < r2.u32min) return 1;
        if (r1.s32min > r2.s32max || r1.s32max < r2.s32min) return 1;
      }
      if (((a.t.value ^ b.t.value) & ~(a.t.mask | b.t.mask) & U64_MAX) !== 0n) return 1;
      return -1;
    case op.BPF_JSET: {
      let t1 = a.t;
      let t2 = b.t;
      let c1 = r1;
      let c2 = r2;
      if (!isRegConst(c2, jmp32)) {
        [c1, c2] = [c2, c1];
        [t1, t2] = [t2, t1];
      }
      if (!isRegConst(c2, jmp32)) return -1;
      if ((~t1.mask & t1.value) & t2.value) return 1;
      if (!((t1.mask | t1.value) & t2.value)) return 0;
      return -1;
    }
    case op.BPF_JGT:
      if (a.umin > b.umax) return 1;
      if (a.umax <= b.umin) return 0;
      return -1;
    case op.BPF_JSGT:
      if (a.smin > b.smax) return 1;
      if (a.smax <= b.smin) return 0;
      return -1;
    case op.BPF_JLT:
      if (a.umax < b.umin) return 1;
      if (a.umin >= b.umax) return 0;
      return -1;
    case op.BPF_JSLT:
      if (a.smax < b.smin) return 1;
      if (a.smin >= b.smax) return 0;
      return -1;
    case op.BPF_JGE:
      if (a.umin >= b.umax) return 1;
      if (a.umax < b.umin) return 0;
      return -1;
    case op.BPF_JSGE:
      if (a.smin >= b.smax) return 1;
      if (a.smax < b.smin) return 0;
      return -1;
    case op.BPF_JLE:
      if (a.umax <= b.umin) return 1;
      if (a.umin > b.umax) return 0;
      return -1;
    case op.BPF_JSLE:
      if (a.smax <= b.smin) return 1;
      if (a.smin > b.smax) return 0;
      return -1;
  }
  return -1;
}

const isPowerOf2 = (v: bigint): boolean => v !== 0n && (v & (v - 1n)) === 0n;

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
      [r1, r2] = [r2, r1];
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
        const t = tnumIntersect(tnumSubreg(r1.varOff), tnumSubreg(r2.varOff));
        r1.varOff = tnumWithSubreg(r1.varOff, t);
        r2.varOff = tnumWithSubreg(r2.varOff, t);
      } else {
        r1.umin = r1.umin > r2.umin ? r1.umin : r2.umin;
        r1.umax = r1.umax < r2.umax ? r1.umax : r2.umax;
        r1.smin = r1.smin > r2.smin ? r1.smin : r2.smin;
        r1.smax = r1.smax < r2.smax ? r1.smax : r2.smax;
        r2.umin = r1.umin;
        r2.umax = r1.umax;
        r2.smin = r1.smin;
        r2.smax = r1.smax;
        r1.varOff = tnumIntersect(r1.varOff, r2.varOff);
        r2.varOff = r1.varOff;
      }
      break;
    case op.BPF_JNE: {
      if (!isRegConst(r2, jmp32)) [r1, r2] = [r2, r1];
      if (!isRegConst(r2, jmp32)) break;
      const val = regConstValue(r2, jmp32);
      if (jmp32) {
        const u = Number(val & 0xffffffffn);
        const s = u | 0;
        if (r1.u32min === u) r1.u32min++;
        if (r1.u32max === u) r1.u32max--;
        if (r1.s32min === s) r1.s32min++;
        if (r1.s32max === s) r1.s32max--;
      } else {
        const s = BigInt.asIntN(64, val);
        if (r1.umin === val) r1.umin++;
        if (r1.umax === val) r1.umax--;
        if (r1.smin === s) r1.smin++;
        if (r1.smax === s) r1.smax--;
      }
      break;
    }
    case op.BPF_JSET: {
      if (!isRegConst(r2, jmp32)) [r1, r2] = [r2, r1];
      if (!isRegConst(r2, jmp32)) break;
      const val = regConstValue(r2, jmp32);
      if (!isPowerOf2(val)) break;
      if (jmp32) {
        const t = tnumOr(tnumSubreg(r1.varOff), tnumConst(val));
        r1.varOff = tnumWithSubreg(r1.varOff, t);
      } else {
        r1.varOff = tnumOr(r1.varOff, tnumConst(val));
      }
      break;
    }
    case BPF_JSET_NOT: {
      if (!isRegConst(r2, jmp32)) [r1, r2] = [r2, r1];
      if (!isRegConst(r2, jmp32)) break;
      const val = regConstValue(r2, jmp32);
      markUnbounded(r1);
      if (jmp32) {
        const t = tnumAnd(tnumSubreg(r1.varOff), tnumConst(~val & U64_MAX));
        r1.varOff = tnumWithSubreg(r1.varOff, t);
      } else {
        r1.varOff = tnumAnd(r1.varOff, tnumConst(~val & U64_MAX));
      }
      break;
    }
    case op.BPF_JLE:
      if (jmp32) {
        r1.u32max = Math.min(r1.u32max, r2.u32max);
        r2.u32min = Math.max(r1.u32min, r2.u32min);
      } else {
        r1.umax = r1.umax < r2.umax ? r1.umax : r2.umax;
        r2.umin = r1.umin > r2.umin ? r1.umin : r2.umin;
      }
      break;
    case op.BPF_JLT:
      if (jmp32) {
        r1.u32max = Math.min(r1.u32max, s32ToU32(r2.u32max - 1));
        r2.u32min = Math.max(s32ToU32(r1.u32min + 1), r2.u32min);
      } else {
        const m = BigInt.asUintN(64, r2.umax - 1n);
        r1.umax = r1.umax < m ? r1.umax : m;
        const n = BigInt.asUintN(64, r1.umin + 1n);
        r2.umin = n > r2.umin ? n : r2.umin;
      }
      break;
    case op.BPF_JSLE:
      if (jmp32) {
        r1.s32max = Math.min(r1.s32max, r2.s32max);
        r2.s32min = Math.max(r1.s32min, r2.s32min);
      } else {
        r1.smax = r1.smax < r2.smax ? r1.smax : r2.smax;
        r2.smin = r1.smin > r2.smin ? r1.smin : r2.smin;
      }
      break;
    case op.BPF_JSLT:
      if (jmp32) {
        r1.s32max = Math.min(r1.s32max, (r2.s32max - 1) | 0);
        r2.s32min = Math.max((r1.s32min + 1) | 0, r2.s32min);
      } else {
        const m = BigInt.asIntN(64, r2.smax - 1n);
        r1.smax = r1.smax < m ? r1.smax : m;
        const n = BigInt.asIntN(64, r1.smin + 1n);
        r2.smin = n > r2.smin ? n : r2.smin;
      }
      break;
  }
}
