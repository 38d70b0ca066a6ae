import type { Instruction } from '../../isa/instruction.js';
import * as op from '../../isa/opcodes.js';
import type { FunctionEmitter } from './function-emitter.js';
import { Op } from './wasm-opcodes.js';

/** Comparison opcodes by BPF jump code: [64-bit, 32-bit, negated 64-bit, negated 32-bit]. */
const COMPARE = new Map<number, readonly [number, number, number, number]>([
  [op.BPF_JEQ, [Op.i64_eq, Op.i32_eq, Op.i64_ne, Op.i32_ne]],
  [op.BPF_JNE, [Op.i64_ne, Op.i32_ne, Op.i64_eq, Op.i32_eq]],
  [op.BPF_JGT, [Op.i64_gt_u, Op.i32_gt_u, Op.i64_le_u, Op.i32_le_u]],
  [op.BPF_JGE, [Op.i64_ge_u, Op.i32_ge_u, Op.i64_lt_u, Op.i32_lt_u]],
  [op.BPF_JLT, [Op.i64_lt_u, Op.i32_lt_u, Op.i64_ge_u, Op.i32_ge_u]],
  [op.BPF_JLE, [Op.i64_le_u, Op.i32_le_u, Op.i64_gt_u, Op.i32_gt_u]],
  [op.BPF_JSGT, [Op.i64_gt_s, Op.i32_gt_s, Op.i64_le_s, Op.i32_le_s]],
  [op.BPF_JSGE, [Op.i64_ge_s, Op.i32_ge_s, Op.i64_lt_s, Op.i32_lt_s]],
  [op.BPF_JSLT, [Op.i64_lt_s, Op.i32_lt_s, Op.i64_ge_s, Op.i32_ge_s]],
  [op.BPF_JSLE, [Op.i64_le_s, Op.i32_le_s, Op.i64_gt_s, Op.i32_gt_s]],
]);

/**
 * Pushes the i32 truth of a conditional jump (or of its negation): JMP
 * compares 64-bit registers with a sign-extended immediate, JMP32 their low
 * halves.
 */
export function lowerCondition(e: FunctionEmitter, insn: Instruction, negate: boolean): void {
  const wide = op.opClass(insn.opcode) === op.BPF_JMP;
  const code = op.opCode(insn.opcode);
  const x = op.opSource(insn.opcode) === op.BPF_X;
  const w = e.w;
  if (wide) {
    e.get(insn.dst);
    if (x) e.get(insn.src);
    else e.i64(insn.imm);
  } else {
    e.get32(insn.dst);
    if (x) e.get32(insn.src);
    else e.i32(insn.imm);
  }
  if (code === op.BPF_JSET) {
    w.u8(wide ? Op.i64_and : Op.i32_and);
    w.u8(wide ? Op.i64_eqz : Op.i32_eqz);
    if (!negate) w.u8(Op.i32_eqz);
    return;
  }
  const ops = COMPARE.get(code);
  if (!ops) throw new Error(`jit: unknown jump code 0x${code.toString(16)}`);
  w.u8(ops[(wide ? 0 : 1) + (negate ? 2 : 0)]);
}
