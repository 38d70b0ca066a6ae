import type { Instruction } from '../../isa/instruction.js';
import * as op from '../../isa/opcodes.js';

/** libbpf's poison: `call 0xbad2310`, which the verifier refuses with a clear message if reached. */
export const CORE_POISON_HELPER = 0xbad2310;

export interface PatchRequest {
  readonly orig: bigint;
  readonly value: bigint;
  /** Field sizes for byte_off relocations of loads/stores (to adjust the access size), if known. */
  readonly origSize?: number;
  readonly newSize?: number;
  /** Whether changing the access size keeps the value (unsigned ints, pointers). */
  readonly sizeAdjustable?: boolean;
  /** Check that the instruction holds `orig` first (off for bitfields, as libbpf). */
  readonly validate: boolean;
}

const sizeOf = (bytes: number): number | null =>
  bytes === 1 ? op.BPF_B : bytes === 2 ? op.BPF_H : bytes === 4 ? op.BPF_W : bytes === 8 ? op.BPF_DW : null;

/** Replaces a relocated instruction (and an lddw's second slot) with the poison call. */
export function poisonInsn(insns: Instruction[], index: number): void {
  const insn = insns[index];
  const wasLdImm64 = insn.opcode === op.LD_IMM64;
  insns[index] = { opcode: op.BPF_JMP | op.BPF_CALL, dst: 0, src: 0, off: 0, imm: CORE_POISON_HELPER };
  if (wasLdImm64 && index + 1 < insns.length) insns[index + 1] = { opcode: op.BPF_JMP | op.BPF_JA, dst: 0, src: 0, off: 0, imm: 0 };
}

/**
 * Writes a CO-RE result into its instruction (libbpf's bpf_core_patch_insn):
 * the immediate of ALU-with-constant, the offset of loads and stores (and
 * their size when the field's size changed), the 64-bit immediate of lddw.
 * The instruction must hold the local value first. Returns an error string,
 * 'poison' when the access size cannot be adjusted safely, or null.
 */
export function patchInsn(insns: Instruction[], index: number, req: PatchRequest): string | null {
  const insn = insns[index];
  const cls = op.opClass(insn.opcode);
  if (op.isAluClass(cls)) {
    if (op.opSource(insn.opcode) !== op.BPF_K) return 'ALU instruction does not take an immediate';
    if (req.validate && BigInt(insn.imm) !== BigInt.asIntN(32, req.orig)) return `unexpected imm ${insn.imm} (expected ${req.orig})`;
    if (req.value > 0x7fffffffn || req.value < -0x80000000n) return `value ${req.value} does not fit in imm`;
    insn.imm = Number(req.value);
    return null;
  }
  if (cls === op.BPF_LDX || cls === op.BPF_ST || cls === op.BPF_STX) {
    if (req.validate && BigInt(insn.off) !== req.orig) return `unexpected offset ${insn.off} (expected ${req.orig})`;
    if (req.value > 0x7fffn || req.value < -0x8000n) return `offset ${req.value} does not fit in 16 bits`;
    insn.off = Number(req.value);
    if (req.origSize !== undefined && req.newSize !== undefined && req.origSize !== req.newSize) {
      const current = op.sizeBytes(op.opSize(insn.opcode));
      if (current === req.origSize) {
        const size = sizeOf(req.newSize);
        if (!req.sizeAdjustable || size === null) return 'poison';
        insn.opcode = (insn.opcode & ~0x18) | size;
      }
    }
    return null;
  }
  if (insn.opcode === op.LD_IMM64 && index + 1 < insns.length) {
    const imm = (BigInt(insns[index + 1].imm >>> 0) << 32n) | BigInt(insn.imm >>> 0);
    if (req.validate && imm !== BigInt.asUintN(64, req.orig)) return `unexpected imm64 ${imm} (expected ${req.orig})`;
    const v = BigInt.asUintN(64, req.value);
    insn.imm = Number(BigInt.asIntN(32, v & 0xffffffffn));
    insns[index + 1].imm = Number(BigInt.asIntN(32, v >> 32n));
    return null;
  }
  return `instruction with opcode 0x${insn.opcode.toString(16)} cannot be relocated`;
}
