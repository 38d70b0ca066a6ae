import { DecodeError } from '../errors.js';
import type { Instruction } from '../instruction.js';
import type { DisasmOptions, LlvmDecoded } from './decoded.js';
import { decodeLlvm } from './decode-llvm.js';

/** The text llvm-objdump prints for bytes LLVM cannot decode. */
export const UNKNOWN_TEXT = '<unknown>';

/** LLVM's decoding of the slot at `index` (an lddw takes the next slot as its second half). */
export function decodeAt(insns: readonly Instruction[], index: number, options: DisasmOptions = {}): LlvmDecoded {
  if (!Number.isInteger(index) || index < 0 || index >= insns.length) {
    throw new DecodeError(index, `no instruction at index ${index} (program has ${insns.length})`);
  }
  return decodeLlvm(insns[index], insns[index + 1], options);
}

/**
 * The instruction text `llvm-objdump-19 -d` prints for the instruction at
 * `index`, in LLVM 19's syntax (`r0 = 0x1`, `if r1 > 0x5 goto +0x2`), without
 * the `<symbol+0x..>` target that llvm-objdump appends to branches (see
 * listing.ts). Slots LLVM cannot decode, including an lddw missing its second
 * half, give `<unknown>`. Throws DecodeError only for an index outside the program.
 */
export function disassemble(insns: readonly Instruction[], index: number, options: DisasmOptions = {}): string {
  const decoded = decodeAt(insns, index, options);
  return decoded.kind === 'insn' ? decoded.text : UNKNOWN_TEXT;
}

/**
 * One line per instruction (lddw second halves skipped), as `index: text`:
 * a compact view for error messages and traces.
 */
export function disassembleProgram(insns: readonly Instruction[], options: DisasmOptions = {}): string[] {
  const lines: string[] = [];
  for (let i = 0; i < insns.length;) {
    const decoded = decodeAt(insns, i, options);
    lines.push(`${i}: ${decoded.kind === 'insn' ? decoded.text : UNKNOWN_TEXT}`);
    i += decoded.kind === 'insn' ? decoded.slots : 1;
  }
  return lines;
}
