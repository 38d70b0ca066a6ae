// Instruction slots for the disassembler comparisons: every valid
// opcode/mode/size/operation of RFC 9669 plus the kernel's extensions, with
// edge values, and every opcode byte with assorted (often invalid) fields.
import type { Instruction } from '../../src/isa/instruction.js';
import * as op from '../../src/isa/opcodes.js';

const INT32_MIN = -0x80000000;
const INT32_MAX = 0x7fffffff;
export const EDGE_IMMS = [0, 1, -1, INT32_MIN, INT32_MAX, 0x12345678];
export const EDGE_OFFS = [0, 1, -1, 0x7fff, -0x8000, 0x10];

const slot = (opcode: number, dst: number, src: number, off: number, imm: number): Instruction => ({ opcode, dst, src, off, imm });

/** A sequence of registers 0..10 to spread operands over. */
function* registers(): Generator<[number, number]> {
  for (let i = 0; ; i++) yield [i % 11, (i * 7 + 3) % 11];
}

/**
 * Every valid instruction form with edge values. An lddw contributes its
 * two slots, so the result is a well-formed sequence of whole instructions.
 */
export function validInstructionSlots(): Instruction[] {
  const out: Instruction[] = [];
  const regs = registers();
  const next = (): [number, number] => regs.next().value as [number, number];
  const aluOps = [op.BPF_ADD, op.BPF_SUB, op.BPF_MUL, op.BPF_DIV, op.BPF_OR, op.BPF_AND, op.BPF_LSH, op.BPF_RSH,
    op.BPF_MOD, op.BPF_XOR, op.BPF_MOV, op.BPF_ARSH];
  for (const cls of [op.BPF_ALU, op.BPF_ALU64]) {
    for (const code of aluOps) {
      const offs = code === op.BPF_DIV || code === op.BPF_MOD ? [0, 1] : [0];
      for (const off of offs) {
        for (const imm of EDGE_IMMS) out.push(slot(cls | code | op.BPF_K, next()[0], 0, off, imm));
        for (let k = 0; k < 3; k++) { const [d, s] = next(); out.push(slot(cls | code | op.BPF_X, d, s, off, 0)); }
      }
    }
    // movsx, and (ALU64) the arena address-space cast.
    for (const off of cls === op.BPF_ALU64 ? [8, 16, 32] : [8, 16]) { const [d, s] = next(); out.push(slot(cls | op.BPF_MOV | op.BPF_X, d, s, off, 0)); }
    if (cls === op.BPF_ALU64) for (const imm of [0, 1, 0x10000, 0x10001]) out.push(slot(cls | op.BPF_MOV | op.BPF_X, 1, 2, 1, imm));
    for (let d = 0; d <= 10; d++) out.push(slot(cls | op.BPF_NEG, d, 0, 0, 0));
    for (const imm of [16, 32, 64]) {
      if (cls === op.BPF_ALU) {
        out.push(slot(cls | op.BPF_END | op.BPF_TO_LE, next()[0], 0, 0, imm));
        out.push(slot(cls | op.BPF_END | op.BPF_TO_BE, next()[0], 0, 0, imm));
      } else {
        out.push(slot(cls | op.BPF_END, next()[0], 0, 0, imm));
      }
    }
  }
  const conditions = [op.BPF_JEQ, op.BPF_JGT, op.BPF_JGE, op.BPF_JSET, op.BPF_JNE, op.BPF_JSGT, op.BPF_JSGE,
    op.BPF_JLT, op.BPF_JLE, op.BPF_JSLT, op.BPF_JSLE];
  for (const cls of [op.BPF_JMP, op.BPF_JMP32]) {
    for (const code of conditions) {
      for (const off of EDGE_OFFS) {
        out.push(slot(cls | code | op.BPF_K, next()[0], 0, off, EDGE_IMMS[(code >> 4) % EDGE_IMMS.length]));
        const [d, s] = next();
        out.push(slot(cls | code | op.BPF_X, d, s, off, 0));
      }
      for (const imm of EDGE_IMMS) out.push(slot(cls | code | op.BPF_K, next()[0], 0, 3, imm));
    }
  }
  for (const off of EDGE_OFFS) out.push(slot(op.BPF_JMP | op.BPF_JA, 0, 0, off, 0));
  for (const imm of EDGE_IMMS) out.push(slot(op.BPF_JMP32 | op.BPF_JA, 0, 0, 0, imm));
  for (const off of EDGE_OFFS) out.push(slot(op.BPF_JMP | 0xe0, 0, 0, off, 0)); // may_goto
  for (const src of [op.BPF_HELPER_CALL, op.BPF_PSEUDO_CALL, op.BPF_PSEUDO_KFUNC_CALL]) {
    for (const imm of [1, 12, 211, -1, INT32_MAX, INT32_MIN]) out.push(slot(op.BPF_JMP | op.BPF_CALL, 0, src, 0, imm));
  }
  for (let d = 0; d <= 10; d++) out.push(slot(op.BPF_JMP | op.BPF_CALL | op.BPF_X, d, 0, 0, 0)); // callx
  out.push(slot(op.BPF_JMP | op.BPF_EXIT, 0, 0, 0, 0));

  // lddw with every pseudo source the kernel defines, and edge values in both halves.
  for (let src = 0; src <= op.BPF_PSEUDO_MAP_IDX_VALUE; src++) {
    const highs = src === 0 || src === op.BPF_PSEUDO_MAP_VALUE || src === op.BPF_PSEUDO_MAP_IDX_VALUE ? EDGE_IMMS : [0];
    for (const lo of EDGE_IMMS) {
      for (const hi of highs) out.push(slot(op.LD_IMM64, next()[0], src, 0, lo), slot(0, 0, 0, 0, hi));
    }
  }
  for (const size of [op.BPF_W, op.BPF_H, op.BPF_B]) {
    for (const imm of EDGE_IMMS) out.push(slot(op.BPF_LD | op.BPF_ABS | size, 0, 0, 0, imm));
    for (let s = 0; s <= 10; s++) out.push(slot(op.BPF_LD | op.BPF_IND | size, 0, s, 0, 0));
  }
  for (const size of [op.BPF_W, op.BPF_H, op.BPF_B, op.BPF_DW]) {
    for (const off of EDGE_OFFS) {
      let [d, s] = next();
      out.push(slot(op.BPF_LDX | op.BPF_MEM | size, d, s, off, 0));
      if (size !== op.BPF_DW) { [d, s] = next(); out.push(slot(op.BPF_LDX | op.BPF_MEMSX | size, d, s, off, 0)); }
      out.push(slot(op.BPF_ST | op.BPF_MEM | size, next()[0], 0, off, EDGE_IMMS[(off & 0xff) % EDGE_IMMS.length]));
      [d, s] = next();
      out.push(slot(op.BPF_STX | op.BPF_MEM | size, d, s, off, 0));
    }
    for (const imm of EDGE_IMMS) out.push(slot(op.BPF_ST | op.BPF_MEM | size, 10, 0, -8, imm));
  }
  const atomics = [op.BPF_ADD, op.BPF_OR, op.BPF_AND, op.BPF_XOR].flatMap((a) => [a, a | op.BPF_FETCH])
    .concat([op.BPF_XCHG, op.BPF_CMPXCHG]);
  for (const size of [op.BPF_W, op.BPF_DW]) {
    for (const imm of atomics) {
      for (const off of [0, -8, 0x7fff]) { const [d, s] = next(); out.push(slot(op.BPF_STX | op.BPF_ATOMIC | size, d, s, off, imm)); }
    }
  }
  return out;
}

/**
 * Every opcode byte with fields LLVM may or may not accept: registers up to
 * 15, offsets and immediates that are wrong for the opcode. Opcode 0 with
 * all-zero fields is left out (llvm-objdump folds zero runs into `...`).
 */
export function everyOpcodeSlots(): Instruction[] {
  const out: Instruction[] = [];
  const fields: Array<[number, number, number, number]> = [
    [0, 0, 0, 0], [1, 2, 0x7ffe, 0x7ffffffe], [10, 1, -2, -1], [12, 3, 0, 16], [3, 13, 1, 32], [11, 11, 8, 64],
    [2, 0, 16, 0xe1], [4, 5, 32, 0xf1], [15, 15, 0, 0x41], [0, 0, 1, 0x100],
  ];
  for (let opcode = 0; opcode < 256; opcode++) {
    for (const [dst, src, off, imm] of fields) {
      if (opcode === 0 && dst === 0 && src === 0 && off === 0 && (imm & 0xff) === 0) continue;
      out.push(slot(opcode, dst, src, off, imm));
    }
  }
  return out;
}
