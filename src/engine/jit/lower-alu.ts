import type { Instruction } from '../../isa/instruction.js';
import * as op from '../../isa/opcodes.js';
import type { FunctionEmitter } from './function-emitter.js';
import { I32, I64, Op } from './wasm-opcodes.js';

/** WebAssembly opcodes of the plain binary operations: [i64, i32]. */
const BINARY = new Map<number, readonly [number, number]>([
  [op.BPF_ADD, [Op.i64_add, Op.i32_add]],
  [op.BPF_SUB, [Op.i64_sub, Op.i32_sub]],
  [op.BPF_MUL, [Op.i64_mul, Op.i32_mul]],
  [op.BPF_OR, [Op.i64_or, Op.i32_or]],
  [op.BPF_AND, [Op.i64_and, Op.i32_and]],
  // WebAssembly masks shift counts to the operand width, as RFC 9669 does.
  [op.BPF_LSH, [Op.i64_shl, Op.i32_shl]],
  [op.BPF_RSH, [Op.i64_shr_u, Op.i32_shr_u]],
  [op.BPF_ARSH, [Op.i64_shr_s, Op.i32_shr_s]],
  [op.BPF_XOR, [Op.i64_xor, Op.i32_xor]],
]);

/**
 * ALU and ALU64: 64-bit operations on i64 locals; 32-bit ones on the low
 * halves, zero-extended into the register. Division and modulo never trap:
 * by zero they give 0 and leave dst (zero-extended for 32 bits); signed
 * INT_MIN / -1 gives INT_MIN.
 */
export function lowerAlu(e: FunctionEmitter, insn: Instruction): void {
  const wide = op.opClass(insn.opcode) === op.BPF_ALU64;
  const code = op.opCode(insn.opcode);
  const x = op.opSource(insn.opcode) === op.BPF_X;
  const { dst, src, imm } = insn;
  const w = e.w;
  switch (code) {
    case op.BPF_MOV:
      lowerMov(e, insn, wide, x);
      return;
    case op.BPF_NEG:
      if (wide) {
        e.i64(0);
        e.get(dst);
        w.u8(Op.i64_sub);
      } else {
        e.i32(0);
        e.get32(dst);
        w.u8(Op.i32_sub);
        w.u8(Op.i64_extend_i32_u);
      }
      e.set(dst);
      return;
    case op.BPF_END:
      lowerEnd(e, insn, wide);
      return;
    case op.BPF_DIV:
    case op.BPF_MOD:
      if (wide) lowerDivMod64(e, insn, x);
      else lowerDivMod32(e, insn, x);
      return;
  }
  const ops = BINARY.get(code);
  if (!ops) throw new Error(`jit: unknown ALU code 0x${code.toString(16)}`);
  if (wide) {
    e.get(dst);
    if (x) e.get(src);
    else e.i64(imm);
    w.u8(ops[0]);
  } else {
    e.get32(dst);
    if (x) e.get32(src);
    else e.i32(imm);
    w.u8(ops[1]);
    w.u8(Op.i64_extend_i32_u);
  }
  e.set(dst);
}

function lowerMov(e: FunctionEmitter, insn: Instruction, wide: boolean, x: boolean): void {
  const { dst, src, off, imm } = insn;
  const w = e.w;
  if (!x) {
    e.i64(wide ? imm : imm >>> 0);
  } else if (wide) {
    e.get(src);
    if (off === 8) w.u8(Op.i64_extend8_s);
    else if (off === 16) w.u8(Op.i64_extend16_s);
    else if (off === 32) w.u8(Op.i64_extend32_s);
  } else {
    e.get32(src);
    if (off === 8) w.u8(Op.i32_extend8_s);
    else if (off === 16) w.u8(Op.i32_extend16_s);
    w.u8(Op.i64_extend_i32_u);
  }
  e.set(dst);
}

/** le16/le32/le64 truncate (the data is already little-endian); be and bswap reverse the bytes. */
function lowerEnd(e: FunctionEmitter, insn: Instruction, wide: boolean): void {
  const { dst, imm } = insn;
  const w = e.w;
  const swap = wide || op.opSource(insn.opcode) === op.BPF_TO_BE;
  if (!swap) {
    if (imm === 64) return;
    e.get32(dst);
    if (imm === 16) {
      e.i32(0xffff);
      w.u8(Op.i32_and);
    }
    w.u8(Op.i64_extend_i32_u);
    e.set(dst);
    return;
  }
  if (imm === 16) {
    // ((x & 0xff) << 8) | ((x >>> 8) & 0xff)
    e.get32(dst);
    e.localTee(e.tmp32);
    e.i32(0xff);
    w.u8(Op.i32_and);
    e.i32(8);
    w.u8(Op.i32_shl);
    e.localGet(e.tmp32);
    e.i32(8);
    w.u8(Op.i32_shr_u);
    e.i32(0xff);
    w.u8(Op.i32_and);
    w.u8(Op.i32_or);
    w.u8(Op.i64_extend_i32_u);
  } else if (imm === 32) {
    e.get32(dst);
    bswap32(e);
    w.u8(Op.i64_extend_i32_u);
  } else {
    // bswap32 of each half, halves exchanged.
    e.get32(dst);
    bswap32(e);
    w.u8(Op.i64_extend_i32_u);
    e.i64(32);
    w.u8(Op.i64_shl);
    e.get(dst);
    e.i64(32);
    w.u8(Op.i64_shr_u);
    w.u8(Op.i32_wrap_i64);
    bswap32(e);
    w.u8(Op.i64_extend_i32_u);
    w.u8(Op.i64_or);
  }
  e.set(dst);
}

/** Reverses the bytes of the i32 on the stack: (rotr(x, 8) & 0xff00ff00) | (rotl(x, 8) & 0x00ff00ff). */
function bswap32(e: FunctionEmitter): void {
  const w = e.w;
  e.localTee(e.tmp32);
  e.i32(8);
  w.u8(Op.i32_rotr);
  e.i32(0xff00ff00 | 0);
  w.u8(Op.i32_and);
  e.localGet(e.tmp32);
  e.i32(8);
  w.u8(Op.i32_rotl);
  e.i32(0x00ff00ff);
  w.u8(Op.i32_and);
  w.u8(Op.i32_or);
}

function lowerDivMod64(e: FunctionEmitter, insn: Instruction, x: boolean): void {
  const { dst, src, imm } = insn;
  const div = op.opCode(insn.opcode) === op.BPF_DIV;
  const signed = insn.off === 1;
  const w = e.w;
  if (!x) {
    if (imm === 0) {
      if (div) {
        e.i64(0);
        e.set(dst);
      }
      return;
    }
    if (signed && imm === -1) {
      // x / -1 = -x (INT_MIN stays INT_MIN); x % -1 = 0.
      e.i64(0);
      if (div) {
        e.get(dst);
        w.u8(Op.i64_sub);
      }
      e.set(dst);
      return;
    }
    e.get(dst);
    e.i64(imm);
    w.u8(div ? (signed ? Op.i64_div_s : Op.i64_div_u) : signed ? Op.i64_rem_s : Op.i64_rem_u);
    e.set(dst);
    return;
  }
  // if src == 0: div -> 0, mod -> dst
  e.get(src);
  w.u8(Op.i64_eqz);
  w.u8x2(Op.if, I64);
  if (div) e.i64(0);
  else e.get(dst);
  w.u8(Op.else);
  if (div && signed) {
    // if src == -1: -dst (wasm's div_s would trap on INT_MIN / -1)
    e.get(src);
    e.i64(-1);
    w.u8(Op.i64_eq);
    w.u8x2(Op.if, I64);
    e.i64(0);
    e.get(dst);
    w.u8(Op.i64_sub);
    w.u8(Op.else);
    e.get(dst);
    e.get(src);
    w.u8(Op.i64_div_s);
    w.u8(Op.end);
  } else {
    // rem_s does not trap on INT_MIN % -1 (it gives 0).
    e.get(dst);
    e.get(src);
    w.u8(div ? Op.i64_div_u : signed ? Op.i64_rem_s : Op.i64_rem_u);
  }
  w.u8(Op.end);
  e.set(dst);
}

function lowerDivMod32(e: FunctionEmitter, insn: Instruction, x: boolean): void {
  const { dst, src, imm } = insn;
  const div = op.opCode(insn.opcode) === op.BPF_DIV;
  const signed = insn.off === 1;
  const w = e.w;
  if (!x) {
    if (imm === 0) {
      if (div) e.i64(0);
      else {
        e.get32(dst);
        w.u8(Op.i64_extend_i32_u);
      }
      e.set(dst);
      return;
    }
    if (signed && imm === -1) {
      e.i32(0);
      if (div) {
        e.get32(dst);
        w.u8(Op.i32_sub);
      }
      w.u8(Op.i64_extend_i32_u);
      e.set(dst);
      return;
    }
    e.get32(dst);
    e.i32(imm);
    w.u8(div ? (signed ? Op.i32_div_s : Op.i32_div_u) : signed ? Op.i32_rem_s : Op.i32_rem_u);
    w.u8(Op.i64_extend_i32_u);
    e.set(dst);
    return;
  }
  e.get32(src);
  e.localTee(e.tmp32);
  w.u8(Op.i32_eqz);
  w.u8x2(Op.if, I32);
  if (div) e.i32(0);
  else e.get32(dst);
  w.u8(Op.else);
  if (div && signed) {
    e.localGet(e.tmp32);
    e.i32(-1);
    w.u8(Op.i32_eq);
    w.u8x2(Op.if, I32);
    e.i32(0);
    e.get32(dst);
    w.u8(Op.i32_sub);
    w.u8(Op.else);
    e.get32(dst);
    e.localGet(e.tmp32);
    w.u8(Op.i32_div_s);
    w.u8(Op.end);
  } else {
    e.get32(dst);
    e.localGet(e.tmp32);
    w.u8(div ? Op.i32_div_u : signed ? Op.i32_rem_s : Op.i32_rem_u);
  }
  w.u8(Op.end);
  w.u8(Op.i64_extend_i32_u);
  e.set(dst);
}
