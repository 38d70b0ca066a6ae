import { LD_IMM64 } from './opcodes.js';

/**
 * One 8-byte instruction slot, as `struct bpf_insn`. A 64-bit immediate load
 * (`lddw`) takes two slots: the first carries the opcode and the low 32 bits in
 * `imm`, the second (opcode 0) the high 32 bits in its own `imm`. Indices, jump
 * offsets and call offsets all count slots, as in the kernel.
 */
export interface Instruction {
  /** Opcode byte: class, size/source, mode/operation. */
  opcode: number;
  /** Destination register, 0..10. */
  dst: number;
  /** Source register, 0..10 (or the pseudo kind of lddw/call). */
  src: number;
  /** Signed 16-bit offset. */
  off: number;
  /** Signed 32-bit immediate. */
  imm: number;
}

/** The full 64-bit immediate of an lddw whose first slot is at `index`. */
export function imm64(insns: readonly Instruction[], index: number): bigint {
  const lo = BigInt(insns[index].imm >>> 0);
  const hi = BigInt(insns[index + 1]?.imm ?? 0);
  return BigInt.asUintN(64, (hi << 32n) | lo);
}

export const isLdImm64 = (insn: Instruction): boolean => insn.opcode === LD_IMM64;

/** The two slots of `lddw dst, value` with the given pseudo source kind. */
export function ldImm64(dst: number, value: bigint, src = 0): [Instruction, Instruction] {
  const v = BigInt.asUintN(64, value);
  return [
    { opcode: LD_IMM64, dst, src, off: 0, imm: Number(BigInt.asIntN(32, v & 0xffffffffn)) },
    { opcode: 0, dst: 0, src: 0, off: 0, imm: Number(BigInt.asIntN(32, v >> 32n)) },
  ];
}
