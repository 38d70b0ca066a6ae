import type { Instruction } from '../instruction.js';
import * as op from '../opcodes.js';
import { type LlvmDecoded, UNKNOWN, insn, textOf } from './decoded.js';
import { hexImm, reg, sizeName } from './format.js';

/**
 * The BPF_LD class: the two-slot 64-bit immediate load and the legacy
 * packet loads. `next` is the following 8 bytes, if the input has them.
 */
export function decodeLd(first: Instruction, next: Instruction | undefined): LlvmDecoded {
  const { opcode, dst, src, off, imm } = first;
  const mode = op.opMode(opcode);
  const size = op.opSize(opcode);
  if (opcode === op.LD_IMM64) {
    const d = reg(dst);
    if (off !== 0 || d === null) return UNKNOWN;
    if (next === undefined) return { kind: 'truncated' };
    // LLVM does not look at the second slot's other fields.
    const low = BigInt(imm >>> 0);
    if (src === 0) {
      const value = BigInt.asIntN(64, (BigInt(next.imm >>> 0) << 32n) | low);
      return insn(`${d} = ${hexImm(value)} ll`, null, 2);
    }
    // A pseudo source (map fd, map value, BTF id, function...): LLVM has no
    // syntax for these and prints its internal ld_pseudo form.
    return insn(`ld_pseudo\t${d}, ${hexImm(src)}, ${hexImm(low)}`, null, 2);
  }
  if (size === op.BPF_DW) return UNKNOWN;
  const bytes = op.sizeBytes(size);
  if (mode === op.BPF_ABS) return insn(`r0 = *(${sizeName(bytes)} *)skb[${hexImm(imm)}]`);
  if (mode === op.BPF_IND) return textOf([reg(src)], (r) => `r0 = *(${sizeName(bytes)} *)skb[${r}]`);
  return UNKNOWN;
}
