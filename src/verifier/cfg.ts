import type { Instruction } from '../isa/instruction.js';
import * as op from '../isa/opcodes.js';
import { VerifierError } from './errors.js';
import { isPseudoCall, isPseudoFunc } from './subprogs.js';

/** What the control-flow pass learns for the main pass. */
export interface CfgInfo {
  /** Instructions where the state is compared with explored states (jump targets, branches, after calls). */
  readonly prunePoints: Uint8Array;
  /** Instructions where a checkpoint is always stored (callback-calling helpers). */
  readonly forceCheckpoints: Uint8Array;
  /** Instructions reached other than by falling through (jump targets, returns from calls). */
  readonly jmpPoints: Uint8Array;
}

const DISCOVERED = 0x10;
const EXPLORED = 0x20;
const FALLTHROUGH = 1;
const BRANCH = 2;
const DONE = 0;
const KEEP = 1;

/** Helpers that call a callback synchronously (bpf_loop, for_each_map_elem, ...). */
export const CALLBACK_HELPERS = new Set([164 /* for_each_map_elem */, 181 /* loop */, 194 /* user_ringbuf_drain */, 173 /* find_vma */]);

/**
 * The kernel's check_cfg: a depth-first walk from instruction 0 through every
 * edge (fall-through first, then the branch; bpf-to-bpf calls enter their
 * callee). Refuses jumps out of range, back-edges when unprivileged, and any
 * instruction the walk never reaches or that is the middle of an lddw.
 */
export function checkCfg(insns: readonly Instruction[], privileged: boolean): CfgInfo {
  const n = insns.length;
  const state = new Uint8Array(n);
  const stack = new Int32Array(n + 1);
  const prunePoints = new Uint8Array(n + 1);
  const forceCheckpoints = new Uint8Array(n + 1);
  const jmpPoints = new Uint8Array(n + 1);
  let sp = 0;

  const pushInsn = (t: number, w: number, e: number): number => {
    if (e === FALLTHROUGH && state[t] >= (DISCOVERED | FALLTHROUGH)) return DONE;
    if (e === BRANCH && state[t] >= (DISCOVERED | BRANCH)) return DONE;
    if (w < 0 || w >= n) throw new VerifierError(`jump out of range from insn ${t} to ${w}`, t, 'EINVAL');
    if (e === BRANCH) {
      prunePoints[w] = 1;
      jmpPoints[w] = 1;
    }
    if (state[w] === 0) {
      state[t] = DISCOVERED | e;
      state[w] = DISCOVERED;
      stack[sp++] = w;
      return KEEP;
    }
    if ((state[w] & 0xf0) === DISCOVERED) {
      if (privileged) return DONE;
      throw new VerifierError(`back-edge from insn ${t} to ${w}`, t, 'EINVAL');
    }
    state[t] = DISCOVERED | e;
    return DONE;
  };

  const visitCall = (t: number, visitCallee: boolean): number => {
    const size = insns[t].opcode === op.LD_IMM64 ? 2 : 1;
    const ret = pushInsn(t, t + size, FALLTHROUGH);
    if (ret) return ret;
    prunePoints[t + size] = 1;
    jmpPoints[t + size] = 1;
    if (visitCallee) {
      prunePoints[t] = 1;
      return pushInsn(t, t + insns[t].imm + 1, BRANCH);
    }
    return ret;
  };

  const visit = (t: number): number => {
    const insn = insns[t];
    if (isPseudoFunc(insn)) return visitCall(t, true);
    const cls = op.opClass(insn.opcode);
    if (!op.isJmpClass(cls)) return pushInsn(t, t + (insn.opcode === op.LD_IMM64 ? 2 : 1), FALLTHROUGH);
    switch (op.opCode(insn.opcode)) {
      case op.BPF_EXIT:
        return DONE;
      case op.BPF_CALL:
        if (insn.src === op.BPF_HELPER_CALL && CALLBACK_HELPERS.has(insn.imm)) {
          forceCheckpoints[t] = 1;
          prunePoints[t] = 1;
          jmpPoints[t] = 1;
        }
        return visitCall(t, isPseudoCall(insn));
      case op.BPF_JA: {
        const off = cls === op.BPF_JMP ? insn.off : insn.imm;
        const ret = pushInsn(t, t + off + 1, FALLTHROUGH);
        if (ret) return ret;
        prunePoints[t + off + 1] = 1;
        jmpPoints[t + off + 1] = 1;
        return ret;
      }
      default: {
        prunePoints[t] = 1;
        const ret = pushInsn(t, t + 1, FALLTHROUGH);
        if (ret) return ret;
        return pushInsn(t, t + insn.off + 1, BRANCH);
      }
    }
  };

  state[0] = DISCOVERED;
  stack[sp++] = 0;
  while (sp > 0) {
    const t = stack[sp - 1];
    if (visit(t) === DONE) {
      state[t] = EXPLORED;
      sp--;
    }
  }
  for (let i = 0; i < n; i++) {
    if (state[i] !== EXPLORED) throw new VerifierError(`unreachable insn ${i}`, i, 'EINVAL');
    if (insns[i].opcode === op.LD_IMM64) {
      if (state[i + 1] !== 0) throw new VerifierError(`jump into the middle of ldimm64 insn ${i}`, i, 'EINVAL');
      i++;
    }
  }
  return { prunePoints, forceCheckpoints, jmpPoints };
}
