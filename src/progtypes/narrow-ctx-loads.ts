import type { Instruction } from '../isa/instruction.js';
import { contextKind } from './test-run.js';
import type { ProgTypeName } from './prog-types.js';
import { SKB_NARROW_FIELD_BYTES } from './sk-buff.js';

/**
 * What the kernel's convert_ctx_access does to a narrow load from an
 * __sk_buff field that the skb keeps in fewer bytes (protocol, vlan_tci,
 * pkt_type...), for engines whose context is plain memory holding each
 * field in 4 little-endian bytes: a load at least as wide as the skb's
 * field reads the whole field wherever in the 4 bytes it points (the kernel
 * loads the field and shifts only for narrower loads), so such a load is
 * moved to the field's start. A narrower one already reads the right byte.
 * `loads` is the verifier's instruction → ctx offset (VerifierResult.ctxLoads).
 */
export function alignNarrowCtxLoads(type: ProgTypeName, insns: readonly Instruction[], loads: ReadonlyMap<number, number>): Instruction[] {
  if (contextKind(type) !== '__sk_buff' || loads.size === 0) return insns.slice();
  const out = insns.slice();
  for (const [index, off] of loads) {
    const field = off & ~3;
    const width = SKB_NARROW_FIELD_BYTES.get(field);
    if (width === undefined || off === field) continue;
    const insn = out[index];
    const size = [4, 2, 1, 8][(insn.opcode >> 3) & 3];
    if (size >= width) out[index] = { ...insn, off: insn.off - (off - field) };
  }
  return out;
}
