// Instruction builders for the engine tests (raw slots, no assembler needed).
import { ldImm64, type Instruction } from '../../src/isa/instruction.js';
import * as op from '../../src/isa/opcodes.js';

export const insn = (opcode: number, dst = 0, src = 0, off = 0, imm = 0): Instruction => ({ opcode, dst, src, off, imm });

export const alu64K = (code: number, dst: number, imm: number, off = 0): Instruction => insn(op.BPF_ALU64 | code | op.BPF_K, dst, 0, off, imm);
export const alu64X = (code: number, dst: number, src: number, off = 0): Instruction => insn(op.BPF_ALU64 | code | op.BPF_X, dst, src, off, 0);
export const alu32K = (code: number, dst: number, imm: number, off = 0): Instruction => insn(op.BPF_ALU | code | op.BPF_K, dst, 0, off, imm);
export const alu32X = (code: number, dst: number, src: number, off = 0): Instruction => insn(op.BPF_ALU | code | op.BPF_X, dst, src, off, 0);
export const mov64 = (dst: number, imm: number): Instruction => alu64K(op.BPF_MOV, dst, imm);
export const movReg = (dst: number, src: number): Instruction => alu64X(op.BPF_MOV, dst, src);
export const lddw = (dst: number, value: bigint, src = 0): Instruction[] => ldImm64(dst, value, src);
export const exit = (): Instruction => insn(op.BPF_JMP | op.BPF_EXIT);
export const ja = (off: number): Instruction => insn(op.BPF_JMP | op.BPF_JA, 0, 0, off);
export const jmpK = (code: number, dst: number, imm: number, off: number, cls = op.BPF_JMP): Instruction => insn(cls | code | op.BPF_K, dst, 0, off, imm);
export const jmpX = (code: number, dst: number, src: number, off: number, cls = op.BPF_JMP): Instruction => insn(cls | code | op.BPF_X, dst, src, off, 0);
export const call = (helper: number): Instruction => insn(op.BPF_JMP | op.BPF_CALL, 0, 0, 0, helper);
export const callLocal = (rel: number): Instruction => insn(op.BPF_JMP | op.BPF_CALL, 0, op.BPF_PSEUDO_CALL, 0, rel);
export const callx = (reg: number): Instruction => insn(op.BPF_JMP | op.BPF_CALL | op.BPF_X, reg);
export const ldx = (size: number, dst: number, src: number, off: number): Instruction => insn(op.BPF_LDX | op.BPF_MEM | size, dst, src, off);
export const ldsx = (size: number, dst: number, src: number, off: number): Instruction => insn(op.BPF_LDX | op.BPF_MEMSX | size, dst, src, off);
export const stx = (size: number, dst: number, src: number, off: number): Instruction => insn(op.BPF_STX | op.BPF_MEM | size, dst, src, off);
export const st = (size: number, dst: number, off: number, imm: number): Instruction => insn(op.BPF_ST | op.BPF_MEM | size, dst, 0, off, imm);
export const atomic = (size: number, dst: number, src: number, off: number, aop: number): Instruction =>
  insn(op.BPF_STX | op.BPF_ATOMIC | size, dst, src, off, aop);
