import { DecodeError } from './errors.js';
import type { Instruction } from './instruction.js';
import * as op from './opcodes.js';

const ATOMIC_OPS = new Set([
  op.BPF_ADD, op.BPF_OR, op.BPF_AND, op.BPF_XOR,
  op.BPF_ADD | op.BPF_FETCH, op.BPF_OR | op.BPF_FETCH, op.BPF_AND | op.BPF_FETCH,
  op.BPF_XOR | op.BPF_FETCH, op.BPF_XCHG, op.BPF_CMPXCHG,
]);
const ALU_OPS = new Set([
  op.BPF_ADD, op.BPF_SUB, op.BPF_MUL, op.BPF_DIV, op.BPF_OR, op.BPF_AND, op.BPF_LSH,
  op.BPF_RSH, op.BPF_NEG, op.BPF_MOD, op.BPF_XOR, op.BPF_MOV, op.BPF_ARSH, op.BPF_END,
]);

// Module-level so that validating allocates nothing per instruction.
const MOVSX_OFFSETS_64: readonly number[] = [8, 16, 32];
const MOVSX_OFFSETS_32: readonly number[] = [8, 16];
const reserved = (name: string): string => `${name} uses reserved fields`;

/**
 * The reason an instruction slot is malformed on its own (unknown opcode,
 * register out of range, a reserved field that is not zero), or null.
 * `next` is the following slot, which an lddw takes as its second half.
 */
export function instructionFault(insn: Instruction, next: Instruction | undefined): string | null {
  const { opcode, dst, src, off, imm } = insn;
  if (dst > 10) return `invalid register r${dst}`;
  const cls = op.opClass(opcode);
  const source = op.opSource(opcode);
  const code = op.opCode(opcode);
  switch (cls) {
    case op.BPF_ALU:
    case op.BPF_ALU64: {
      if (!ALU_OPS.has(code)) return `unknown opcode 0x${hex2(opcode)}`;
      if (code === op.BPF_END) {
        if (cls === op.BPF_ALU64 && source !== op.BPF_K) return `unknown opcode 0x${hex2(opcode)}`;
        if (src !== 0 || off !== 0 || (imm !== 16 && imm !== 32 && imm !== 64)) return reserved('BPF_END');
        return null;
      }
      if (code === op.BPF_NEG) {
        return source !== op.BPF_K || src !== 0 || off !== 0 || imm !== 0 ? reserved('BPF_NEG') : null;
      }
      if (source === op.BPF_X) {
        if (src > 10) return `invalid register r${src}`;
        if (imm !== 0) return reserved('BPF_ALU');
      } else if (src !== 0) {
        return reserved('BPF_ALU');
      }
      if (code === op.BPF_MOV) {
        const sx = cls === op.BPF_ALU64 ? MOVSX_OFFSETS_64 : MOVSX_OFFSETS_32;
        if (off !== 0 && (source !== op.BPF_X || !sx.includes(off))) return reserved('BPF_MOV');
      } else if (code === op.BPF_DIV || code === op.BPF_MOD) {
        if (off !== 0 && off !== 1) return reserved('BPF_ALU');
      } else if (off !== 0) {
        return reserved('BPF_ALU');
      }
      return null;
    }
    case op.BPF_JMP:
    case op.BPF_JMP32: {
      if (code === op.BPF_JA) {
        if (source !== op.BPF_K || src !== 0 || dst !== 0) return reserved('BPF_JA');
        if (cls === op.BPF_JMP ? imm !== 0 : off !== 0) return reserved('BPF_JA');
        return null;
      }
      if (code === op.BPF_CALL) {
        if (cls !== op.BPF_JMP) return `unknown opcode 0x${hex2(opcode)}`;
        if (source === op.BPF_X) return src !== 0 || off !== 0 || imm !== 0 ? reserved('BPF_CALL') : null;
        if (dst !== 0 || off !== 0 || src > op.BPF_PSEUDO_KFUNC_CALL) return reserved('BPF_CALL');
        return null;
      }
      if (code === op.BPF_EXIT) {
        if (cls !== op.BPF_JMP) return `unknown opcode 0x${hex2(opcode)}`;
        return source !== op.BPF_K || src !== 0 || dst !== 0 || off !== 0 || imm !== 0 ? reserved('BPF_EXIT') : null;
      }
      if (code > op.BPF_JSLE) return `unknown opcode 0x${hex2(opcode)}`;
      if (source === op.BPF_X) {
        if (src > 10) return `invalid register r${src}`;
        if (imm !== 0) return reserved('BPF_JMP');
      } else if (src !== 0) {
        return reserved('BPF_JMP');
      }
      return null;
    }
    case op.BPF_LD: {
      if (opcode === op.LD_IMM64) {
        if (off !== 0 || src > op.BPF_PSEUDO_MAP_IDX_VALUE) return reserved('BPF_LD_IMM64');
        if (!next) return 'truncated lddw: missing its second slot';
        if (next.opcode !== 0 || next.dst !== 0 || next.src !== 0 || next.off !== 0) return 'invalid second slot of lddw';
        const usesSecondImm = src === 0 || src === op.BPF_PSEUDO_MAP_VALUE || src === op.BPF_PSEUDO_MAP_IDX_VALUE;
        if (!usesSecondImm && next.imm !== 0) return 'invalid second slot of lddw';
        return null;
      }
      const mode = op.opMode(opcode);
      if ((mode !== op.BPF_ABS && mode !== op.BPF_IND) || op.opSize(opcode) === op.BPF_DW) return `unknown opcode 0x${hex2(opcode)}`;
      if (dst !== 0 || off !== 0 || (mode === op.BPF_ABS && src !== 0) || src > 10) return reserved('BPF_LD_[ABS|IND]');
      return null;
    }
    case op.BPF_LDX: {
      const mode = op.opMode(opcode);
      if (mode !== op.BPF_MEM && !(mode === op.BPF_MEMSX && op.opSize(opcode) !== op.BPF_DW)) return `unknown opcode 0x${hex2(opcode)}`;
      if (src > 10) return `invalid register r${src}`;
      return imm !== 0 ? reserved('BPF_LDX') : null;
    }
    case op.BPF_ST: {
      if (op.opMode(opcode) !== op.BPF_MEM) return `unknown opcode 0x${hex2(opcode)}`;
      return src !== 0 ? reserved('BPF_ST') : null;
    }
    case op.BPF_STX: {
      const mode = op.opMode(opcode);
      if (src > 10) return `invalid register r${src}`;
      if (mode === op.BPF_MEM) return imm !== 0 ? reserved('BPF_STX') : null;
      if (mode === op.BPF_ATOMIC) {
        const size = op.opSize(opcode);
        if (size !== op.BPF_W && size !== op.BPF_DW) return `unknown opcode 0x${hex2(opcode)}`;
        return ATOMIC_OPS.has(imm) ? null : `invalid atomic operation 0x${(imm >>> 0).toString(16)}`;
      }
      return `unknown opcode 0x${hex2(opcode)}`;
    }
  }
  return `unknown opcode 0x${hex2(opcode)}`;
}

function hex2(n: number): string {
  return n.toString(16).padStart(2, '0');
}

/**
 * Checks a whole program: every slot well formed, every lddw complete, every
 * jump and local call landing on an instruction (never past the end nor in
 * the middle of an lddw). Throws DecodeError naming the slot.
 */
export function validateInstructions(insns: readonly Instruction[]): void {
  if (insns.length === 0) throw new DecodeError(0, 'empty program');
  const isSecondHalf = new Uint8Array(insns.length);
  for (let i = 0; i < insns.length; i++) {
    const fault = instructionFault(insns[i], insns[i + 1]);
    if (fault) throw new DecodeError(i, fault);
    if (writesRegister(insns[i]) === op.BPF_REG_10) throw new DecodeError(i, 'frame pointer is read only');
    if (insns[i].opcode === op.LD_IMM64) isSecondHalf[++i] = 1;
  }
  for (let i = 0; i < insns.length; i++) {
    if (isSecondHalf[i]) continue;
    const target = branchTarget(insns[i], i);
    if (target === null) continue;
    if (target < 0 || target >= insns.length) throw new DecodeError(i, `jump out of range to ${target}`);
    if (isSecondHalf[target]) throw new DecodeError(i, `jump into the middle of lddw at ${target - 1}`);
  }
}

/**
 * The slot a jump or bpf-to-bpf call (or an lddw of a function address)
 * lands on, or null for other instructions (and for exit and helper calls).
 */
export function branchTarget(insn: Instruction, index: number): number | null {
  const cls = op.opClass(insn.opcode);
  if (insn.opcode === op.LD_IMM64) return insn.src === op.BPF_PSEUDO_FUNC ? index + insn.imm + 1 : null;
  if (!op.isJmpClass(cls)) return null;
  const code = op.opCode(insn.opcode);
  if (code === op.BPF_EXIT) return null;
  if (code === op.BPF_CALL) {
    return insn.src === op.BPF_PSEUDO_CALL && op.opSource(insn.opcode) === op.BPF_K ? index + insn.imm + 1 : null;
  }
  if (code === op.BPF_JA && cls === op.BPF_JMP32) return index + insn.imm + 1;
  return index + insn.off + 1;
}

/** The register an instruction writes (the fetch forms of atomics write src; cmpxchg writes r0), or -1. */
export function writesRegister(insn: Instruction): number {
  const cls = op.opClass(insn.opcode);
  if (op.isAluClass(cls) || cls === op.BPF_LDX || insn.opcode === op.LD_IMM64) return insn.dst;
  if (cls === op.BPF_STX && op.opMode(insn.opcode) === op.BPF_ATOMIC) {
    if (insn.imm === op.BPF_CMPXCHG) return op.BPF_REG_0;
    if (insn.imm & op.BPF_FETCH) return insn.src;
  }
  return -1;
}
