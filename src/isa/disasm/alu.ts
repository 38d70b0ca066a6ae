import type { Instruction } from '../instruction.js';
import * as op from '../opcodes.js';
import { type LlvmDecoded, UNKNOWN, textOf } from './decoded.js';
import { hexImm, reg } from './format.js';

/** Compound-assignment operators of the two-operand ALU operations, by BPF_OP. */
const ASSIGN_OPS = new Map<number, string>([
  [op.BPF_ADD, '+='], [op.BPF_SUB, '-='], [op.BPF_MUL, '*='], [op.BPF_DIV, '/='],
  [op.BPF_OR, '|='], [op.BPF_AND, '&='], [op.BPF_LSH, '<<='], [op.BPF_RSH, '>>='],
  [op.BPF_MOD, '%='], [op.BPF_XOR, '^='], [op.BPF_ARSH, 's>>='],
]);

/**
 * BPF_ALU and BPF_ALU64 as LLVM decodes them. LLVM checks the fields its
 * encoding defines (opcode, registers, off) and ignores the rest: the src
 * nibble of an immediate form and the imm of a register form are "don't care".
 */
export function decodeAlu(insn: Instruction): LlvmDecoded {
  const { opcode, dst, src, off, imm } = insn;
  const wide = op.opClass(opcode) === op.BPF_ALU64;
  const code = op.opCode(opcode);
  const byReg = op.opSource(opcode) === op.BPF_X;
  const d = reg(dst, wide);

  if (code === op.BPF_END) return decodeEnd(wide, byReg, dst, imm);
  if (code === op.BPF_NEG) {
    return byReg ? UNKNOWN : textOf([d], (r) => `${r} = -${r}`);
  }
  if (code === op.BPF_MOV) {
    if (!byReg) return off === 0 ? textOf([d], (r) => `${r} = ${hexImm(imm)}`) : UNKNOWN;
    const s = reg(src, wide);
    if (off === 0) return textOf([d, s], (a, b) => `${a} = ${b}`);
    // BPF_ADDR_SPACE_CAST (arena pointers): off 1, imm = dst address space << 16 | src address space.
    if (off === 1 && wide) {
      return textOf([d, s], (a, b) => `${a} = addr_space_cast(${b}, ${hexImm(imm >>> 16)}, ${hexImm(imm & 0xffff)})`);
    }
    // movsx: ALU64 sign-extends from 8, 16 or 32 bits, ALU from 8 or 16.
    if (off === 8 || off === 16 || (off === 32 && wide)) return textOf([d, s], (a, b) => `${a} = (s${off})${b}`);
    return UNKNOWN;
  }
  let operator = ASSIGN_OPS.get(code);
  if (operator === undefined) return UNKNOWN;
  // sdiv/smod are BPF_DIV/BPF_MOD with off 1; every other operation needs off 0.
  if (off === 1 && (code === op.BPF_DIV || code === op.BPF_MOD)) operator = `s${operator}`;
  else if (off !== 0) return UNKNOWN;
  if (!byReg) return textOf([d], (r) => `${r} ${operator} ${hexImm(imm)}`);
  return textOf([d, reg(src, wide)], (a, b) => `${a} ${operator} ${b}`);
}

/** Byte swaps: `le16`/`be32` (BPF_ALU, source bit picks the order) and v4 `bswap64` (BPF_ALU64, BPF_TO_LE only). */
function decodeEnd(wide: boolean, toBe: boolean, dst: number, imm: number): LlvmDecoded {
  if (imm !== 16 && imm !== 32 && imm !== 64) return UNKNOWN;
  if (wide && toBe) return UNKNOWN;
  const name = wide ? 'bswap' : toBe ? 'be' : 'le';
  // LLVM names the 64-bit register even for the BPF_ALU class here.
  return textOf([reg(dst)], (r) => `${r} = ${name}${imm} ${r}`);
}
