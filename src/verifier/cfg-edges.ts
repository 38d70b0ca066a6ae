// The control-flow edges of every instruction slot, computed once per
// program: at most two successors (fall-through or jump target, and the
// branch of a conditional jump), -1 for none. Edges out of the program are
// left out.
import type { Instruction } from '../isa/instruction.js';
import * as op from '../isa/opcodes.js';

export interface CfgEdges {
  /** First successor of each slot (fall-through, call return, jump target), or -1. */
  readonly next: Int32Array;
  /** The branch target of a conditional jump, or -1. */
  readonly branch: Int32Array;
}

const inRange = (s: number, n: number): number => (s >= 0 && s < n ? s : -1);

export function computeEdges(insns: readonly Instruction[]): CfgEdges {
  const n = insns.length;
  // Both in one allocation.
  const both = new Int32Array(2 * n).fill(-1);
  const next = both.subarray(0, n);
  const branch = both.subarray(n);
  for (let i = 0; i < n; i++) {
    const insn = insns[i];
    const cls = op.opClass(insn.opcode);
    if (insn.opcode === op.LD_IMM64) {
      next[i] = inRange(i + 2, n);
    } else if (!op.isJmpClass(cls)) {
      next[i] = inRange(i + 1, n);
    } else {
      const code = op.opCode(insn.opcode);
      if (code === op.BPF_EXIT) continue;
      if (code === op.BPF_CALL) {
        next[i] = inRange(i + 1, n);
      } else if (code === op.BPF_JA) {
        next[i] = inRange(i + 1 + (cls === op.BPF_JMP ? insn.off : insn.imm), n);
      } else {
        const a = inRange(i + 1, n);
        const b = inRange(i + 1 + insn.off, n);
        // Both edges may leave the program or coincide; keep them in order.
        if (a >= 0) {
          next[i] = a;
          branch[i] = b;
        } else {
          next[i] = b;
        }
      }
    }
  }
  return { next, branch };
}
