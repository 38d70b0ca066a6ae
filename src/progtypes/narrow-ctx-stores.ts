import type { Instruction } from '../isa/instruction.js';
import { BPF_H, BPF_JA, BPF_JMP, BPF_MEM, BPF_ST, BPF_STX, BPF_W } from '../isa/opcodes.js';
import { contextKind } from './test-run.js';
import type { ProgTypeName } from './prog-types.js';
import { SK_BUFF, SKB_NARROW_FIELD_BYTES } from './sk-buff.js';

/**
 * What the kernel's convert_ctx_access does to stores into __sk_buff fields
 * that the skb keeps in 16 bits, for engines whose context is plain memory:
 * a 32-bit store into tc_index or tc_classid becomes a 16-bit one (reads
 * then give the low half, as in the kernel), and an immediate store of
 * 0xffff or more into queue_mapping, which the kernel ignores, becomes a
 * no-op (a smaller one is stored in 16 bits). A register store into
 * queue_mapping stays as it is: the kernel skips it when the value is
 * 0xffff or more, which would need an extra instruction here.
 * `stores` is the verifier's instruction → ctx offset (VerifierResult.ctxStores).
 */
export function narrowCtxStores(type: ProgTypeName, insns: readonly Instruction[], stores: ReadonlyMap<number, number>): Instruction[] {
  if (contextKind(type) !== '__sk_buff' || stores.size === 0) return insns.slice();
  const out = insns.slice();
  for (const [index, off] of stores) {
    const insn = out[index];
    const cls = insn.opcode & 0x07;
    if (insn.opcode !== (cls | BPF_MEM | BPF_W) || (cls !== BPF_ST && cls !== BPF_STX)) continue;
    const narrowed = { ...insn, opcode: cls | BPF_MEM | BPF_H };
    if (off === SK_BUFF.queue_mapping) {
      if (cls === BPF_ST) out[index] = insn.imm >= 0xffff ? { opcode: BPF_JMP | BPF_JA, dst: 0, src: 0, off: 0, imm: 0 } : narrowed;
    } else if (SKB_NARROW_FIELD_BYTES.get(off) === 2) {
      // Of these, only tc_index and tc_classid are writable (the verifier refuses stores to the others).
      out[index] = narrowed;
    }
  }
  return out;
}
