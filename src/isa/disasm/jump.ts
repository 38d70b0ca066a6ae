import type { Instruction } from '../instruction.js';
import * as op from '../opcodes.js';
import { type LlvmDecoded, UNKNOWN, insn, textOf } from './decoded.js';
import { branchDisplacement, hexImm, reg } from './format.js';

/** Comparison operators of the conditional jumps, by BPF_OP. */
const CONDITIONS = new Map<number, string>([
  [op.BPF_JEQ, '=='], [op.BPF_JGT, '>'], [op.BPF_JGE, '>='], [op.BPF_JSET, '&'],
  [op.BPF_JNE, '!='], [op.BPF_JSGT, 's>'], [op.BPF_JSGE, 's>='], [op.BPF_JLT, '<'],
  [op.BPF_JLE, '<='], [op.BPF_JSLT, 's<'], [op.BPF_JSLE, 's<='],
]);

/** BPF_JMP and BPF_JMP32 as LLVM decodes them (unused fields are "don't care"). */
export function decodeJump(ins: Instruction): LlvmDecoded {
  const { opcode, dst, src, off, imm } = ins;
  const wide = op.opClass(opcode) === op.BPF_JMP;
  const code = op.opCode(opcode);
  const byReg = op.opSource(opcode) === op.BPF_X;

  const condition = CONDITIONS.get(code);
  if (condition !== undefined) {
    const lhs = reg(dst, wide);
    const rhs = byReg ? reg(src, wide) : hexImm(imm);
    return textOf([lhs, rhs], (a, b) => `if ${a} ${condition} ${b} goto ${branchDisplacement(off)}`, off);
  }
  if (byReg) {
    // callx takes its target register from the dst field.
    return wide && code === op.BPF_CALL ? textOf([reg(dst)], (r) => `callx ${r}`) : UNKNOWN;
  }
  if (!wide) return code === op.BPF_JA ? insn(`gotol ${branchDisplacement(imm)}`, imm) : UNKNOWN;
  switch (code) {
    case op.BPF_JA: return insn(`goto ${branchDisplacement(off)}`, off);
    case op.BPF_CALL: return insn(`call ${hexImm(imm)}`);
    case op.BPF_EXIT: return imm === 0 ? insn('exit') : UNKNOWN;
    case op.BPF_JCOND: return insn(`may_goto ${branchDisplacement(off)}`, off);
    default: return UNKNOWN;
  }
}
