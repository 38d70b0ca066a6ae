// Conditional jumps (check_cond_jmp_op): decide the branch when the operands
// allow it, otherwise explore both arms, each refined by what it implies:
// scalar bounds, null checks, packet ranges.
import type { Instruction } from '../isa/instruction.js';
import * as op from '../isa/opcodes.js';
import { isRegConst, markScalarUnknown, regBoundsSync, regConstValue, setKnownHalves } from './bounds.js';
import { regBoundsSanityCheck } from './bounds-sanity.js';
import { hiOfNum } from './i64.js';
import { flipOpcode, isScalarBranchTaken, regsRefineCondOp, revOpcode } from './branch.js';
import type { VerifierEnv } from './env.js';
import { pushStack } from './explore.js';
import { RegArg, checkRegArg, isPointer, isPointerValue } from './reg-ops.js';
import { AT_PKT_END, BEYOND_PKT_END, RegState } from './reg-state.js';
import { PTR_MAYBE_NULL, RegType, baseType, typeIsPktPointer, typeMayBeNull } from './reg-type.js';
import { mayPointToSpinLock } from './check-spin-lock.js';
import type { VerifierState } from './verifier-state.js';
import { printInsnState } from './do-check-log.js';
import { isMapOfMaps } from './maps.js';
import { addScalarConst } from './scalar-alu.js';
import type { LinkedReg } from './history.js';
import { markChainPrecision } from './precision.js';

const MAX_PACKET_OFF = 0xffff;

function regIsPktPointerAny(r: RegState): boolean {
  return typeIsPktPointer(r.type) || r.type === RegType.PTR_TO_PACKET_END;
}

/** reg_not_null: pointers that are never NULL. */
export function regNotNull(r: RegState): boolean {
  if (typeMayBeNull(r.type)) return false;
  const t = baseType(r.type);
  return t === RegType.PTR_TO_SOCKET || t === RegType.PTR_TO_TCP_SOCK || t === RegType.PTR_TO_MAP_VALUE ||
    t === RegType.PTR_TO_MAP_KEY || t === RegType.PTR_TO_SOCK_COMMON || t === RegType.PTR_TO_MEM ||
    t === RegType.CONST_PTR_TO_MAP;
}

function isPktPtrBranchTaken(dst: RegState, src: RegState, opcIn: number): number {
  let pkt: RegState;
  let opc = opcIn;
  if (src.type === RegType.PTR_TO_PACKET_END) {
    pkt = dst;
  } else if (dst.type === RegType.PTR_TO_PACKET_END) {
    pkt = src;
    opc = flipOpcode(opc);
  } else {
    return -1;
  }
  if (pkt.range >= 0) return -1;
  switch (opc) {
    case op.BPF_JLE:
    case op.BPF_JGT:
      if (pkt.range === BEYOND_PKT_END) return opc === op.BPF_JGT ? 1 : 0;
      break;
    case op.BPF_JLT:
    case op.BPF_JGE:
      if (pkt.range === BEYOND_PKT_END || pkt.range === AT_PKT_END) return opc === op.BPF_JGE ? 1 : 0;
      break;
  }
  return -1;
}

/** is_branch_taken: 1 taken, 0 not taken, -1 unknown. */
export function isBranchTaken(r1In: RegState, r2In: RegState, opcIn: number, jmp32: boolean): number {
  let r1 = r1In;
  let r2 = r2In;
  let opc = opcIn;
  if (regIsPktPointerAny(r1) && regIsPktPointerAny(r2) && !jmp32) return isPktPtrBranchTaken(r1, r2, opc);
  if (isPointer(r1) || isPointer(r2)) {
    if (!isRegConst(r2, jmp32)) {
      opc = flipOpcode(opc);
      [r1, r2] = [r2, r1];
    }
    if (!isRegConst(r2, jmp32)) return -1;
    if (!regNotNull(r1)) return -1;
    if (regConstValue(r2, jmp32) !== 0n) return -1;
    if (opc === op.BPF_JEQ) return 0;
    if (opc === op.BPF_JNE) return 1;
    return -1;
  }
  return isScalarBranchTaken(r1, r2, opc, jmp32);
}

/** reg_set_min_max: narrows both arms, then checks what each learnt. */
function regSetMinMax(
  env: VerifierEnv, trueR1: RegState, trueR2: RegState, falseR1: RegState, falseR2: RegState, opc: number, jmp32: boolean,
): void {
  if (falseR1.type !== RegType.SCALAR_VALUE || falseR2.type !== RegType.SCALAR_VALUE) return;
  // A register compared with itself: is_branch_taken decided what it could.
  if (falseR1 === falseR2) return;
  regsRefineCondOp(falseR1, falseR2, revOpcode(opc), jmp32);
  regBoundsSync(falseR1);
  regBoundsSync(falseR2);
  regsRefineCondOp(trueR1, trueR2, opc, jmp32);
  regBoundsSync(trueR1);
  regBoundsSync(trueR2);
  regBoundsSanityCheck(env, trueR1, 'true_reg1');
  regBoundsSanityCheck(env, trueR2, 'true_reg2');
  regBoundsSanityCheck(env, falseR1, 'false_reg1');
  regBoundsSanityCheck(env, falseR2, 'false_reg2');
}

/** The constant difference between two linked scalars (sync_linked_regs). */
const DELTA = new RegState();

/**
 * sync_linked_regs: scalars with the same id learn what the compared one
 * learnt, shifted by their constant delta (BPF_ADD_CONST).
 */
function syncLinkedRegs(vs: VerifierState, known: RegState): void {
  const id = known.id;
  vs.forEachReg((reg) => {
    if (reg === known || reg.type !== RegType.SCALAR_VALUE || reg.id !== id) return;
    // 32-bit and 64-bit deltas do not compose.
    if (reg.addConst && known.addConst && reg.addConst !== known.addConst) return;
    if ((!reg.addConst && !known.addConst) || reg.off === known.off) {
      const { addConst, off } = reg;
      reg.copyFrom(known);
      if (addConst || known.addConst) {
        reg.addConst = addConst;
        reg.off = off;
      }
      return;
    }
    const { off, addConst } = reg;
    const delta = DELTA;
    const d = reg.off - known.off;
    markScalarUnknown(delta);
    setKnownHalves(delta, hiOfNum(d), d | 0);
    reg.copyFrom(known);
    reg.off = off;
    reg.addConst = addConst;
    addScalarConst(reg, delta, addConst === 32);
  }, (reg) => reg.type === RegType.SCALAR_VALUE && reg.id === id);
}

/** mark_ptr_not_null_reg */
function markPtrNotNullReg(env: VerifierEnv, reg: RegState): void {
  if (baseType(reg.type) === RegType.PTR_TO_MAP_VALUE) {
    const map = env.maps[reg.map];
    if (map && isMapOfMaps(map) && map.inner) {
      reg.type = RegType.CONST_PTR_TO_MAP;
      reg.map = innerMapIndex(env, reg.map);
    } else {
      reg.type = RegType.PTR_TO_MAP_VALUE;
    }
    return;
  }
  reg.type &= ~PTR_MAYBE_NULL;
}

/** The pseudo map index under which the inner map template of map `outer` is registered. */
function innerMapIndex(env: VerifierEnv, outer: number): number {
  return env.innerMapIndex(outer);
}

/** mark_ptr_or_null_regs: after `if (rX == 0)`, every copy of rX is NULL on one arm and valid on the other. */
export function markPtrOrNullRegs(env: VerifierEnv, vs: VerifierState, regno: number, isNull: boolean): void {
  const reg0 = vs.regs[regno];
  const id = reg0.id;
  const refObjId = reg0.refObjId;
  if (refObjId && refObjId === id && isNull) vs.refs = vs.refs.filter((r) => r.id !== id);
  vs.forEachReg((reg) => {
    if (!typeMayBeNull(reg.type) || reg.id !== id || !id) return;
    if (isNull) {
      reg.type = RegType.SCALAR_VALUE;
      reg.id = 0;
      reg.refObjId = 0;
      reg.map = -1;
      reg.memSize = 0;
      return;
    }
    markPtrNotNullReg(env, reg);
    // reg_may_point_to_spin_lock: the id pairs bpf_spin_lock with bpf_spin_unlock.
    if (!(reg.type === RegType.PTR_TO_MAP_VALUE && mayPointToSpinLock(env, reg.map))) reg.id = 0;
  }, (reg) => typeMayBeNull(reg.type) && reg.id === id && id !== 0);
}

function regIsInitPktPointer(r: RegState, type: RegType): boolean {
  return r.type === type && r.off === 0 && (r.mHi | r.mLo | r.vHi | r.vLo) === 0;
}

/** find_good_pkt_pointers: packet pointers with dst's id now have `off` bytes (or off+1) in range. */
function findGoodPktPointers(vs: VerifierState, dst: RegState, type: number, rangeRightOpen: boolean): void {
  if (dst.off < 0 || (dst.off === 0 && rangeRightOpen)) return;
  if (dst.umaxHi !== 0 || dst.umaxLo >>> 0 > MAX_PACKET_OFF || (dst.umaxLo >>> 0) + dst.off > MAX_PACKET_OFF) return;
  let newRange = dst.off;
  if (rangeRightOpen) newRange++;
  const id = dst.id;
  vs.forEachReg((reg) => {
    if (reg.type === type && reg.id === id) reg.range = Math.max(reg.range, newRange);
  }, (reg) => reg.type === type && reg.id === id);
}

function markPktEnd(vs: VerifierState, regno: number, rangeOpen: boolean): void {
  const reg = vs.regs[regno];
  if (reg.type !== RegType.PTR_TO_PACKET) return;
  reg.range = rangeOpen ? BEYOND_PKT_END : AT_PKT_END;
}

function tryMatchPktPointers(
  insn: Instruction, dst: RegState, src: RegState, thisBranch: VerifierState, otherBranch: VerifierState,
): boolean {
  if (op.opSource(insn.opcode) !== op.BPF_X) return false;
  if (op.opClass(insn.opcode) === op.BPF_JMP32) return false;
  const dstPktSrcEnd = (dst.type === RegType.PTR_TO_PACKET && src.type === RegType.PTR_TO_PACKET_END) ||
    (dst.type === RegType.PTR_TO_PACKET_META && regIsInitPktPointer(src, RegType.PTR_TO_PACKET));
  const dstEndSrcPkt = (dst.type === RegType.PTR_TO_PACKET_END && src.type === RegType.PTR_TO_PACKET) ||
    (regIsInitPktPointer(dst, RegType.PTR_TO_PACKET) && src.type === RegType.PTR_TO_PACKET_META);
  switch (op.opCode(insn.opcode)) {
    case op.BPF_JGT:
      if (dstPktSrcEnd) {
        findGoodPktPointers(thisBranch, dst, dst.type, false);
        markPktEnd(otherBranch, insn.dst, true);
      } else if (dstEndSrcPkt) {
        findGoodPktPointers(otherBranch, src, src.type, true);
        markPktEnd(thisBranch, insn.src, false);
      } else return false;
      return true;
    case op.BPF_JLT:
      if (dstPktSrcEnd) {
        findGoodPktPointers(otherBranch, dst, dst.type, true);
        markPktEnd(thisBranch, insn.dst, false);
      } else if (dstEndSrcPkt) {
        findGoodPktPointers(thisBranch, src, src.type, false);
        markPktEnd(otherBranch, insn.src, true);
      } else return false;
      return true;
    case op.BPF_JGE:
      if (dstPktSrcEnd) {
        findGoodPktPointers(thisBranch, dst, dst.type, true);
        markPktEnd(otherBranch, insn.dst, false);
      } else if (dstEndSrcPkt) {
        findGoodPktPointers(otherBranch, src, src.type, false);
        markPktEnd(thisBranch, insn.src, true);
      } else return false;
      return true;
    case op.BPF_JLE:
      if (dstPktSrcEnd) {
        findGoodPktPointers(otherBranch, dst, dst.type, false);
        markPktEnd(thisBranch, insn.dst, true);
      } else if (dstEndSrcPkt) {
        findGoodPktPointers(thisBranch, src, src.type, true);
        markPktEnd(otherBranch, insn.src, false);
      } else return false;
      return true;
    default:
      return false;
  }
}

/** The immediate operand of a BPF_K comparison, and its copy for the other arm. */
const IMM_SRC = new RegState();
const IMM_SRC_COPY = new RegState();

/**
 * check_cond_jmp_op. Returns the next instruction index minus one (the main
 * loop adds one), i.e. `insnIdx + off` when the branch is always taken.
 */
export function checkCondJmpOp(env: VerifierEnv, insn: Instruction, insnIdx: number): number {
  const thisBranch = env.cur;
  const regs = thisBranch.regs;
  const opc = op.opCode(insn.opcode);
  if (opc === op.BPF_JA || opc > op.BPF_JSLE) env.fail(`invalid BPF_JMP/JMP32 opcode ${opc.toString(16)}`, 'EINVAL');
  checkRegArg(env, insn.dst, RegArg.SRC_OP);
  let dst = regs[insn.dst];
  let src: RegState;
  const srcX = op.opSource(insn.opcode) === op.BPF_X;
  if (srcX) {
    if (insn.imm !== 0) env.fail('BPF_JMP/JMP32 uses reserved fields', 'EINVAL');
    checkRegArg(env, insn.src, RegArg.SRC_OP);
    src = regs[insn.src];
    if (!(regIsPktPointerAny(dst) && regIsPktPointerAny(src)) && isPointerValue(env, insn.src)) {
      env.fail(`R${insn.src} pointer comparison prohibited`);
    }
  } else {
    if (insn.src !== 0) env.fail('BPF_JMP/JMP32 uses reserved fields', 'EINVAL');
    src = IMM_SRC;
    markScalarUnknown(src);
    setKnownHalves(src, insn.imm >> 31, insn.imm | 0);
  }
  const jmp32 = op.opClass(insn.opcode) === op.BPF_JMP32;
  const pred = isBranchTaken(dst, src, opc, jmp32);
  if (pred >= 0) {
    // The branch depends on these values: checkpoints must keep them exact.
    if (!isPointer(dst)) markChainPrecision(env, insn.dst);
    if (srcX && !isPointer(src)) markChainPrecision(env, insn.src);
  }
  if (pred === 1) {
    printInsnState(env, thisBranch);
    return insnIdx + insn.off;
  }
  if (pred === 0) {
    printInsnState(env, thisBranch);
    return insnIdx;
  }

  // The jump history records stack pointer comparisons and linked scalars.
  if ((srcX && src.type === RegType.PTR_TO_STACK) || dst.type === RegType.PTR_TO_STACK) {
    const e = env.pushHistory();
    if (srcX && src.type === RegType.PTR_TO_STACK) e.srcRegStack = true;
    if (dst.type === RegType.PTR_TO_STACK) e.dstRegStack = true;
  }
  const linked = collectLinkedRegs(thisBranch, dst, srcX ? src : null);
  if (linked.length > 1) env.pushHistory().linked = linked;
  const other = pushStack(env, insnIdx + insn.off + 1, insnIdx);
  // Both arms now share their registers: each owns what it refines.
  const operands = (1 << insn.dst) | (srcX ? 1 << insn.src : 0);
  thisBranch.cur.ownRegs(operands);
  other.cur.ownRegs(operands);
  dst = regs[insn.dst];
  if (srcX) src = regs[insn.src];
  const otherRegs = other.regs;
  if (srcX) {
    regSetMinMax(env, otherRegs[insn.dst], otherRegs[insn.src], dst, src, opc, jmp32);
  } else {
    const fake0 = src;
    const fake1 = IMM_SRC_COPY;
    fake1.copyFrom(src);
    regSetMinMax(env, otherRegs[insn.dst], fake0, dst, fake1, opc, jmp32);
  }
  if (srcX && src.type === RegType.SCALAR_VALUE && src.id) {
    syncLinkedRegs(thisBranch, src);
    syncLinkedRegs(other, otherRegs[insn.src]);
  }
  if (dst.type === RegType.SCALAR_VALUE && dst.id) {
    syncLinkedRegs(thisBranch, dst);
    syncLinkedRegs(other, otherRegs[insn.dst]);
  }

  // Comparing a maybe-NULL pointer with a non-NULL one.
  if (!jmp32 && srcX && isPointer(src) && isPointer(dst) && typeMayBeNull(src.type) !== typeMayBeNull(dst.type) &&
    baseType(src.type) !== RegType.PTR_TO_BTF_ID && baseType(dst.type) !== RegType.PTR_TO_BTF_ID) {
    const eqRegs = opc === op.BPF_JEQ ? otherRegs : opc === op.BPF_JNE ? regs : null;
    if (eqRegs) {
      if (typeMayBeNull(src.type)) markPtrNotNull(env, eqRegs[insn.src]);
      else markPtrNotNull(env, eqRegs[insn.dst]);
    }
  }

  if (!jmp32 && !srcX && insn.imm === 0 && (opc === op.BPF_JEQ || opc === op.BPF_JNE) && typeMayBeNull(dst.type)) {
    markPtrOrNullRegs(env, thisBranch, insn.dst, opc === op.BPF_JNE);
    markPtrOrNullRegs(env, other, insn.dst, opc === op.BPF_JEQ);
  } else if (!tryMatchPktPointers(insn, dst, srcX ? src : regs[insn.src], thisBranch, other) && isPointerValue(env, insn.dst)) {
    env.fail(`R${insn.dst} pointer comparison prohibited`);
  }

  printInsnState(env, thisBranch);
  return insnIdx;
}

const NO_LINKS: LinkedReg[] = [];

/** LINKED_REGS_MAX */
const LINKED_REGS_MAX = 6;

/**
 * collect_linked_regs: the scalars sharing the compared registers' ids
 * (source first, then destination), at most six; the others lose their link.
 */
function collectLinkedRegs(vs: VerifierState, dst: RegState, src: RegState | null): LinkedReg[] {
  const srcLinked = src !== null && src.type === RegType.SCALAR_VALUE && src.id !== 0;
  if (!srcLinked && (dst.type !== RegType.SCALAR_VALUE || !dst.id)) return NO_LINKS;
  const out: LinkedReg[] = [];
  if (src && src.type === RegType.SCALAR_VALUE && src.id) collectLinked(vs, src.id, out);
  if (dst.type === RegType.SCALAR_VALUE && dst.id) collectLinked(vs, dst.id, out);
  return out;
}

/** The scalars with one id, added to `out` (at most LINKED_REGS_MAX; the others lose their id). */
function collectLinked(vs: VerifierState, id: number, out: LinkedReg[]): void {
  for (let fr = vs.curframe; fr >= 0; fr--) {
    const f = vs.frames[fr];
    for (let j = 0; j < 10; j++) {
      const r = f.regs[j];
      if (r.type !== RegType.SCALAR_VALUE || r.id !== id) continue;
      if (out.length < LINKED_REGS_MAX) out.push({ frameno: fr, regno: j, spi: -1 });
      else f.reg(j).id = 0;
    }
    for (let spi = 0; spi < f.allocatedStack / 8; spi++) {
      const r = f.spillAt(spi);
      if (!r || r.type !== RegType.SCALAR_VALUE || r.id !== id) continue;
      if (out.length < LINKED_REGS_MAX) {
        out.push({ frameno: fr, regno: -1, spi });
      } else {
        f.ownSpill(spi).id = 0;
      }
    }
  }
}

function markPtrNotNull(env: VerifierEnv, reg: RegState): void {
  markPtrNotNullReg(env, reg);
}

export { regIsPktPointerAny };
