import type { Instruction } from '../instruction.js';
import * as op from '../opcodes.js';
import { type DisasmOptions, type LlvmDecoded, UNKNOWN, textOf } from './decoded.js';
import { hexImm, memOperand, reg, sizeName } from './format.js';

/** Loads (BPF_LDX: MEM and v4 MEMSX) as LLVM decodes them. */
export function decodeLoad(insn: Instruction, options: DisasmOptions): LlvmDecoded {
  const { opcode, dst, src, off } = insn;
  const size = op.sizeBytes(op.opSize(opcode));
  const mode = op.opMode(opcode);
  const addr = memOperand(src, off);
  if (mode === op.BPF_MEM) {
    const d = reg(dst, size === 8 || !options.alu32);
    return textOf([d, addr], (r, a) => `${r} = *(${sizeName(size)} *)(${a})`);
  }
  if (mode === op.BPF_MEMSX && size !== 8) {
    return textOf([reg(dst), addr], (r, a) => `${r} = *(${sizeName(size, true)} *)(${a})`);
  }
  return UNKNOWN;
}

/** Stores of an immediate (BPF_ST) and of a register (BPF_STX, BPF_MEM mode). */
export function decodeStore(insn: Instruction, options: DisasmOptions): LlvmDecoded {
  const { opcode, dst, src, off, imm } = insn;
  if (op.opMode(opcode) !== op.BPF_MEM) return UNKNOWN;
  const size = op.sizeBytes(op.opSize(opcode));
  const addr = memOperand(dst, off);
  const value = op.opClass(opcode) === op.BPF_ST ? hexImm(imm) : reg(src, size === 8 || !options.alu32);
  return textOf([addr, value], (a, v) => `*(${sizeName(size)} *)(${a}) = ${v}`);
}
