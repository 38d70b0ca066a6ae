import type { Instruction } from '../isa/instruction.js';
import * as op from '../isa/opcodes.js';
import { VerifierError } from './errors.js';
import { isPseudoCall, isPseudoFunc } from './subprogs.js';
import { Temp, tempInt32 } from './work-arrays.js';

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

/** The walk's state: per instruction, DISCOVERED/EXPLORED and the edges taken; the stack of instructions. */
interface CfgWalk {
  readonly insns: readonly Instruction[];
  readonly n: number;
  readonly privileged: boolean;
  readonly state: Int32Array;
  readonly stack: Int32Array;
  sp: number;
  readonly prunePoints: Uint8Array;
  readonly forceCheckpoints: Uint8Array;
  readonly jmpPoints: Uint8Array;
}

function pushInsn(c: CfgWalk, t: number, w: number, e: number): number {
  const state = c.state;
  if (e === FALLTHROUGH && state[t] >= (DISCOVERED | FALLTHROUGH)) return DONE;
  if (e === BRANCH && state[t] >= (DISCOVERED | BRANCH)) return DONE;
  if (w < 0 || w >= c.n) throw new VerifierError(`jump out of range from insn ${t} to ${w}`, t, 'EINVAL');
  if (e === BRANCH) {
    c.prunePoints[w] = 1;
    c.jmpPoints[w] = 1;
  }
  if (state[w] === 0) {
    state[t] = DISCOVERED | e;
    state[w] = DISCOVERED;
    c.stack[c.sp++] = w;
    return KEEP;
  }
  if ((state[w] & 0xf0) === DISCOVERED) {
    if (c.privileged) return DONE;
    throw new VerifierError(`back-edge from insn ${t} to ${w}`, t, 'EINVAL');
  }
  state[t] = DISCOVERED | e;
  return DONE;
}

function visitCall(c: CfgWalk, t: number, visitCallee: boolean): number {
  const size = c.insns[t].opcode === op.LD_IMM64 ? 2 : 1;
  const ret = pushInsn(c, t, t + size, FALLTHROUGH);
  if (ret) return ret;
  c.prunePoints[t + size] = 1;
  c.jmpPoints[t + size] = 1;
  if (visitCallee) {
    c.prunePoints[t] = 1;
    return pushInsn(c, t, t + c.insns[t].imm + 1, BRANCH);
  }
  return ret;
}

function visit(c: CfgWalk, t: number): number {
  const insn = c.insns[t];
  if (isPseudoFunc(insn)) return visitCall(c, t, true);
  const cls = op.opClass(insn.opcode);
  if (!op.isJmpClass(cls)) return pushInsn(c, t, t + (insn.opcode === op.LD_IMM64 ? 2 : 1), FALLTHROUGH);
  switch (op.opCode(insn.opcode)) {
    case op.BPF_EXIT:
      return DONE;
    case op.BPF_CALL:
      if (insn.src === op.BPF_HELPER_CALL && CALLBACK_HELPERS.has(insn.imm)) {
        c.forceCheckpoints[t] = 1;
        c.prunePoints[t] = 1;
        c.jmpPoints[t] = 1;
      }
      return visitCall(c, t, isPseudoCall(insn));
    case op.BPF_JA: {
      const off = cls === op.BPF_JMP ? insn.off : insn.imm;
      const ret = pushInsn(c, t, t + off + 1, FALLTHROUGH);
      if (ret) return ret;
      c.prunePoints[t + off + 1] = 1;
      c.jmpPoints[t + off + 1] = 1;
      return ret;
    }
    default: {
      c.prunePoints[t] = 1;
      const ret = pushInsn(c, t, t + 1, FALLTHROUGH);
      if (ret) return ret;
      return pushInsn(c, t, t + insn.off + 1, BRANCH);
    }
  }
}

/**
 * The kernel's check_cfg: a depth-first walk from instruction 0 through every
 * edge (fall-through first, then the branch; bpf-to-bpf calls enter their
 * callee). Refuses jumps out of range, back-edges when unprivileged, and any
 * instruction the walk never reaches or that is the middle of an lddw.
 */
export function checkCfg(insns: readonly Instruction[], privileged: boolean): CfgInfo {
  const n = insns.length;
  // The three result arrays in one allocation.
  const marks = new Uint8Array(3 * (n + 1));
  const c: CfgWalk = {
    insns, n, privileged,
    state: tempInt32(Temp.CfgState, n),
    stack: tempInt32(Temp.CfgStack, n + 1),
    sp: 0,
    prunePoints: marks.subarray(0, n + 1),
    forceCheckpoints: marks.subarray(n + 1, 2 * (n + 1)),
    jmpPoints: marks.subarray(2 * (n + 1)),
  };
  const state = c.state;
  state[0] = DISCOVERED;
  c.stack[c.sp++] = 0;
  while (c.sp > 0) {
    const t = c.stack[c.sp - 1];
    if (visit(c, t) === DONE) {
      state[t] = EXPLORED;
      c.sp--;
    }
  }
  for (let i = 0; i < n; i++) {
    if (state[i] !== EXPLORED) throw new VerifierError(`unreachable insn ${i}`, i, 'EINVAL');
    if (insns[i].opcode === op.LD_IMM64) {
      if (i + 1 >= n || state[i + 1] !== 0) throw new VerifierError(`jump into the middle of ldimm64 insn ${i}`, i, 'EINVAL');
      i++;
    }
  }
  return { prunePoints: c.prunePoints, forceCheckpoints: c.forceCheckpoints, jmpPoints: c.jmpPoints };
}
