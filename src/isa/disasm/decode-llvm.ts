import type { Instruction } from '../instruction.js';
import * as op from '../opcodes.js';
import { decodeAlu } from './alu.js';
import { decodeAtomic } from './atomic.js';
import type { DisasmOptions, LlvmDecoded } from './decoded.js';
import { UNKNOWN } from './decoded.js';
import { decodeJump } from './jump.js';
import { decodeLd } from './ld.js';
import { decodeLoad, decodeStore } from './load-store.js';

/**
 * Decodes one position the way LLVM 19's BPF disassembler does. `next` is
 * the following slot, or undefined when fewer than 16 bytes remain.
 */
export function decodeLlvm(insn: Instruction, next: Instruction | undefined, options: DisasmOptions = {}): LlvmDecoded {
  switch (op.opClass(insn.opcode)) {
    case op.BPF_LD: return decodeLd(insn, next);
    case op.BPF_LDX: return decodeLoad(insn, options);
    case op.BPF_ST: return decodeStore(insn, options);
    case op.BPF_STX:
      return op.opMode(insn.opcode) === op.BPF_ATOMIC ? decodeAtomic(insn, options) : decodeStore(insn, options);
    case op.BPF_ALU:
    case op.BPF_ALU64: return decodeAlu(insn);
    case op.BPF_JMP:
    case op.BPF_JMP32: return decodeJump(insn);
    default: return UNKNOWN;
  }
}
