// The main pass (do_check): walk every path from the entry, one instruction
// at a time, checking it against the abstract state and updating the state.
import type { Instruction } from '../isa/instruction.js';
import * as op from '../isa/opcodes.js';
import { kernelInsnText } from './kernel-disasm.js';
import { checkAluOp } from './check-alu.js';
import { checkCondJmpOp } from './check-jmp.js';
import { checkMemAccess } from './check-mem.js';
import { checkAtomic } from './check-atomic.js';
import { checkLdImm, checkLdAbs } from './check-ld.js';
import { checkHelperCall } from './check-helper.js';
import { checkFuncCall, prepareFuncExit } from './check-subprog.js';
import { checkReferenceLeak, checkReturnCode } from './check-exit.js';
import type { VerifierEnv } from './env.js';
import { printInsnState, printVerifierState } from './do-check-log.js';
import { updateBranchCounts } from './explore.js';
import { isStateVisited } from './prune.js';
import { CHECK_STATES, checkDigest, stateDigest } from './state-digest.js';
import { RegArg, checkRegArg } from './reg-ops.js';
import { baseType, RegType } from './reg-type.js';
import { FuncIds as F } from './func-ids.js';
import { noteCtxUses } from './ctx-reads.js';

/** BPF_COMPLEXITY_LIMIT_INSNS */
export const COMPLEXITY_LIMIT_INSNS = 1_000_000;

/** A pointer type a load or store may share with other pointer types (not ctx-like). */
function mixableType(t: number): boolean {
  switch (baseType(t)) {
    case RegType.PTR_TO_CTX: case RegType.PTR_TO_SOCKET: case RegType.PTR_TO_SOCK_COMMON:
    case RegType.PTR_TO_TCP_SOCK: case RegType.PTR_TO_XDP_SOCK: case RegType.PTR_TO_BTF_ID:
      return false;
    default:
      return true;
  }
}

/** reg_type_mismatch: a load/store instruction must not see ctx-like pointers and others. */
function regTypeMismatch(src: number, prev: number): boolean {
  return src !== prev && (!mixableType(src) || !mixableType(prev));
}

function saveAuxPtrType(env: VerifierEnv, type: number): void {
  const ptrTypes = env.aux.ptrType;
  const prev = ptrTypes[env.insnIdx];
  if (prev === RegType.NOT_INIT) ptrTypes[env.insnIdx] = type;
  else if (regTypeMismatch(type, prev)) env.fail('same insn cannot be used with different pointers', 'EINVAL');
}

/**
 * The registers of the current frame an instruction may change: those it
 * names, and r0-r5 for calls and legacy packet loads, r0 for atomics and
 * exits. (Changes to other registers and frames own what they change.)
 */
function regsWritten(insn: Instruction, cls: number): number {
  let mask = (1 << insn.dst) | (1 << insn.src);
  if (cls === op.BPF_JMP || cls === op.BPF_JMP32) {
    const code = op.opCode(insn.opcode);
    if (code === op.BPF_CALL) mask |= 0x3f;
    else if (code === op.BPF_EXIT) mask |= 1;
  } else if (cls === op.BPF_LD) {
    if (insn.opcode !== op.LD_IMM64) mask |= 0x3f;
  } else if (cls === op.BPF_STX && op.opMode(insn.opcode) === op.BPF_ATOMIC) {
    mask |= 1;
  }
  return mask;
}

/** Digests the paths pushed by the last instruction (done with them now). */
function digestNewPending(env: VerifierEnv): void {
  const pending = env.pending;
  for (let i = pending.length - 1; i >= 0 && pending[i].digest === undefined; i--) pending[i].digest = stateDigest(pending[i].state);
}

/** Ends the current path and takes the next pending one; false when none is left. */
function popPath(env: VerifierEnv): boolean {
  env.markAllScratched();
  env.liveStack.commitWrites();
  updateBranchCounts(env, env.cur);
  env.liveStack.update(env.cur);
  const next = env.pending.pop();
  if (!next) return false;
  if (CHECK_STATES) checkDigest(next.state, next.digest, 'pending path');
  if (env.log.level === 1) env.log.reset(next.logPos);
  env.cur = next.state;
  env.insnIdx = next.insnIdx;
  env.nextPrevInsnIdx = next.prevInsnIdx;
  return true;
}

/** Arguments a helper call reads (its proto's), for noteCtxUses; 0 for anything else. */
function ctxUseArgs(env: VerifierEnv, insn: Instruction, cls: number): number {
  if ((cls !== op.BPF_JMP && cls !== op.BPF_JMP32) || op.opCode(insn.opcode) !== op.BPF_CALL || insn.src !== 0) return 0;
  const proto = env.helperProto(insn.imm);
  if (!proto) return 0;
  let n = 0;
  while (n < 5 && proto.args[n] && proto.args[n] !== 'ARG_DONTCARE') n++;
  return n;
}

export function doCheck(env: VerifierEnv): void {
  const insns = env.insns;
  let doPrintState = false;
  for (;;) {
    const insnIdx = env.insnIdx;
    const insn = insns[insnIdx];
    // The stack slots the last instruction overwrote (bpf_commit_stack_write_marks).
    env.liveStack.commitWrites();
    // The instruction executed before this one, for this whole iteration.
    env.prevInsnIdx = env.nextPrevInsnIdx;
    if (CHECK_STATES) digestNewPending(env);
    if (++env.insnProcessed > env.complexityLimit) {
      env.fail(`BPF program is too large. Processed ${env.insnProcessed} insn`, 'E2BIG');
    }
    if (env.errorLines.length) env.errorLines = [];
    env.newHistoryInsn();
    env.cur.lastInsnIdx = env.prevInsnIdx;
    env.cur.insnIdx = insnIdx;
    if (env.cfg.prunePoints[insnIdx] && isStateVisited(env, insnIdx)) {
      if (env.log.enabled) {
        if (doPrintState) env.verbose(`\nfrom ${env.prevInsnIdx} to ${insnIdx}${env.cur.speculative ? ' (speculative execution)' : ''}: safe\n`);
        else env.verbose(`${insnIdx}: safe\n`);
      }
      if (!popPath(env)) return;
      doPrintState = true;
      continue;
    }
    if (env.cfg.jmpPoints[insnIdx]) env.pushHistory();
    if (env.log.level >= 2 && doPrintState) {
      env.verbose(`\nfrom ${env.prevInsnIdx} to ${insnIdx}${env.cur.speculative ? ' (speculative execution)' : ''}:`);
      printVerifierState(env, env.cur, env.cur.curframe, true);
      doPrintState = false;
    }
    if (env.log.enabled) {
      if (env.stateScratched) printInsnState(env, env.cur);
      env.verboseLinfo(insnIdx, '; ');
      env.prevLogPos = env.log.endPos;
      env.verbose(`${insnIdx}: ${kernelInsnText(insns, insnIdx, env.allowPtrLeaks)}\n`);
      env.prevInsnPrintPos = env.log.endPos - env.prevLogPos;
      env.prevLogPos = env.log.endPos;
    }
    env.aux.seen[insnIdx] = 1;
    env.nextPrevInsnIdx = insnIdx;
    env.liveStack.resetWrites(env.cur, insnIdx);
    const cls = op.opClass(insn.opcode);
    // The registers this instruction may change, made the current frame's
    // own (they may be shared with checkpoints and pending paths).
    env.cur.cur.ownRegs(regsWritten(insn, cls));
    const regs = env.cur.regs;
    noteCtxUses(env.ctxReads, regs, insn, ctxUseArgs(env, insn, cls), cls === op.BPF_STX && regs[insn.dst] !== undefined && baseType(regs[insn.dst].type) === RegType.PTR_TO_STACK);

    if (cls === op.BPF_ALU || cls === op.BPF_ALU64) {
      checkAluOp(env, insn);
    } else if (cls === op.BPF_LDX) {
      const isLdsx = op.opMode(insn.opcode) === op.BPF_MEMSX;
      checkRegArg(env, insn.src, RegArg.SRC_OP);
      checkRegArg(env, insn.dst, RegArg.DST_OP_NO_MARK);
      const srcType = regs[insn.src].type;
      checkMemAccess(env, insn.src, insn.off, op.sizeBytes(op.opSize(insn.opcode)), 'read', insn.dst, false, isLdsx);
      saveAuxPtrType(env, srcType);
    } else if (cls === op.BPF_STX) {
      if (op.opMode(insn.opcode) === op.BPF_ATOMIC) {
        checkAtomic(env, insn);
        env.insnIdx++;
        continue;
      }
      if (op.opMode(insn.opcode) !== op.BPF_MEM || insn.imm !== 0) env.fail('BPF_STX uses reserved fields', 'EINVAL');
      checkRegArg(env, insn.src, RegArg.SRC_OP);
      checkRegArg(env, insn.dst, RegArg.SRC_OP);
      const dstType = regs[insn.dst].type;
      checkMemAccess(env, insn.dst, insn.off, op.sizeBytes(op.opSize(insn.opcode)), 'write', insn.src, false, false);
      saveAuxPtrType(env, dstType);
    } else if (cls === op.BPF_ST) {
      if (op.opMode(insn.opcode) !== op.BPF_MEM || insn.src !== 0) env.fail('BPF_ST uses reserved fields', 'EINVAL');
      checkRegArg(env, insn.dst, RegArg.SRC_OP);
      const dstType = regs[insn.dst].type;
      checkMemAccess(env, insn.dst, insn.off, op.sizeBytes(op.opSize(insn.opcode)), 'write', -1, false, false);
      saveAuxPtrType(env, dstType);
    } else if (cls === op.BPF_JMP || cls === op.BPF_JMP32) {
      const opc = op.opCode(insn.opcode);
      env.jmpsProcessed++;
      if (opc === op.BPF_CALL) {
        if (op.opSource(insn.opcode) !== op.BPF_K ||
          (insn.src !== op.BPF_PSEUDO_KFUNC_CALL && insn.off !== 0) ||
          (insn.src !== 0 && insn.src !== op.BPF_PSEUDO_CALL && insn.src !== op.BPF_PSEUDO_KFUNC_CALL) ||
          insn.dst !== 0 || cls === op.BPF_JMP32) {
          env.fail('BPF_CALL uses reserved fields', 'EINVAL');
        }
        if (env.cur.activeLock && ((insn.src === 0 && insn.imm !== F.spin_unlock) || insn.src === op.BPF_PSEUDO_KFUNC_CALL)) {
          env.fail('function calls are not allowed while holding a lock', 'EINVAL');
        }
        if (insn.src === op.BPF_PSEUDO_CALL) {
          env.insnIdx = checkFuncCall(env, insn, insnIdx);
        } else if (insn.src === op.BPF_PSEUDO_KFUNC_CALL) {
          env.fail('calling kernel function is not supported without CONFIG_DEBUG_INFO_BTF', 'EINVAL');
        } else {
          const next = checkHelperCall(env, insn, insnIdx);
          if (next !== undefined) env.insnIdx = next;
        }
        env.markRegScratched(0);
      } else if (opc === op.BPF_JA) {
        if (op.opSource(insn.opcode) !== op.BPF_K || insn.src !== 0 || insn.dst !== 0 ||
          (cls === op.BPF_JMP && insn.imm !== 0) || (cls === op.BPF_JMP32 && insn.off !== 0)) {
          env.fail('BPF_JA uses reserved fields', 'EINVAL');
        }
        env.insnIdx += (cls === op.BPF_JMP ? insn.off : insn.imm) + 1;
        continue;
      } else if (opc === op.BPF_EXIT) {
        if (op.opSource(insn.opcode) !== op.BPF_K || insn.imm !== 0 || insn.src !== 0 || insn.dst !== 0 ||
          cls === op.BPF_JMP32) {
          env.fail('BPF_EXIT uses reserved fields', 'EINVAL');
        }
        checkReferenceLeak(env);
        if (env.cur.curframe) {
          env.liveStack.update(env.cur);
          env.insnIdx = prepareFuncExit(env);
          doPrintState = true;
          continue;
        }
        checkReturnCode(env);
        if (!popPath(env)) return;
        doPrintState = true;
        continue;
      } else {
        env.insnIdx = checkCondJmpOp(env, insn, insnIdx);
      }
    } else if (cls === op.BPF_LD) {
      const mode = op.opMode(insn.opcode);
      if (mode === op.BPF_ABS || mode === op.BPF_IND) {
        checkLdAbs(env, insn);
      } else if (mode === op.BPF_IMM) {
        checkLdImm(env, insn);
        env.insnIdx++;
      } else {
        env.fail('invalid BPF_LD mode', 'EINVAL');
      }
    } else {
      env.fail(`unknown insn class ${cls}`, 'EINVAL');
    }
    env.insnIdx++;
  }
}
