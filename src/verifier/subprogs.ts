import type { Instruction } from '../isa/instruction.js';
import * as op from '../isa/opcodes.js';
import { VerifierError } from './errors.js';

/** One function of the program (struct bpf_subprog_info). */
export interface SubprogInfo {
  /** First instruction. */
  readonly start: number;
  /** One past the last instruction. */
  end: number;
  /** Deepest stack byte touched, in bytes (a positive number). */
  stackDepth: number;
  hasTailCall: boolean;
  hasLdAbs: boolean;
  /** Passed as a callback (lddw BPF_PSEUDO_FUNC) somewhere. */
  isCallback: boolean;
}

export const BPF_MAX_SUBPROGS = 256;

export const isPseudoCall = (insn: Instruction): boolean =>
  insn.opcode === (op.BPF_JMP | op.BPF_CALL) && insn.src === op.BPF_PSEUDO_CALL;
export const isHelperCall = (insn: Instruction): boolean =>
  insn.opcode === (op.BPF_JMP | op.BPF_CALL) && insn.src === op.BPF_HELPER_CALL;
export const isPseudoFunc = (insn: Instruction): boolean =>
  insn.opcode === op.LD_IMM64 && insn.src === op.BPF_PSEUDO_FUNC;

/**
 * Splits the program into sub-programs at every bpf-to-bpf call target and
 * every function address (add_subprog_and_kfunc).
 */
export function findSubprogs(insns: readonly Instruction[]): SubprogInfo[] {
  const starts = new Set<number>([0]);
  const callbacks = new Set<number>();
  for (let i = 0; i < insns.length; i++) {
    const insn = insns[i];
    if (isPseudoFunc(insn) || isPseudoCall(insn)) {
      const target = i + insn.imm + 1;
      if (target < 0 || target >= insns.length) throw new VerifierError('call to invalid destination', i, 'EINVAL');
      starts.add(target);
      if (isPseudoFunc(insn)) callbacks.add(target);
    }
    if (insn.opcode === (op.BPF_JMP | op.BPF_CALL) && insn.src === op.BPF_PSEUDO_KFUNC_CALL) {
      // add_kfunc_call: tsbpf has no kernel functions to call (kfuncs need the kernel's BTF).
      if (insn.off < 0) throw new VerifierError('negative offset disallowed for kernel module function call', i, 'EINVAL');
      if (insn.off > 0) throw new VerifierError('kfunc offset > 0 without fd_array is invalid', i, 'EINVAL');
      throw new VerifierError(`kernel btf_id ${insn.imm >>> 0} is not a function`, i, 'EINVAL');
    }
    if (insn.opcode === op.LD_IMM64) i++;
  }
  if (starts.size > BPF_MAX_SUBPROGS) throw new VerifierError('too many subprograms', -1, 'E2BIG');
  const sorted = [...starts].sort((a, b) => a - b);
  return sorted.map((start, k) => ({
    start,
    end: k + 1 < sorted.length ? sorted[k + 1] : insns.length,
    stackDepth: 0,
    hasTailCall: false,
    hasLdAbs: false,
    isCallback: callbacks.has(start),
  }));
}

/** check_subprogs: jumps stay inside their sub-program, none falls into the next. */
export function checkSubprogs(insns: readonly Instruction[], subprogs: SubprogInfo[]): void {
  let cur = 0;
  for (let i = 0; i < insns.length; i++) {
    const sp = subprogs[cur];
    const code = insns[i].opcode;
    const cls = op.opClass(code);
    if (code === (op.BPF_JMP | op.BPF_CALL) && insns[i].src === 0 && insns[i].imm === 12) sp.hasTailCall = true;
    if (cls === op.BPF_LD && (op.opMode(code) === op.BPF_ABS || op.opMode(code) === op.BPF_IND)) sp.hasLdAbs = true;
    if (op.isJmpClass(cls) && op.opCode(code) !== op.BPF_EXIT && op.opCode(code) !== op.BPF_CALL) {
      // In 32 bits, as the kernel's int: gotol's far targets wrap.
      const target = (code === (op.BPF_JMP32 | op.BPF_JA) ? i + insns[i].imm + 1 : i + insns[i].off + 1) | 0;
      if (target < sp.start || target >= sp.end) {
        throw new VerifierError(`jump out of range from insn ${i} to ${target}`, i, 'EINVAL');
      }
    }
    if (i === sp.end - 1) {
      if (code !== (op.BPF_JMP | op.BPF_EXIT) && code !== (op.BPF_JMP32 | op.BPF_JA) && code !== (op.BPF_JMP | op.BPF_JA)) {
        throw new VerifierError('last insn is not an exit or jmp', i, 'EINVAL');
      }
      cur++;
    }
  }
}

/** The index of the sub-program holding instruction `insn`. */
export function subprogOf(subprogs: readonly SubprogInfo[], insn: number): number {
  let lo = 0;
  let hi = subprogs.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (subprogs[mid].start <= insn) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}
