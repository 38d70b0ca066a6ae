import type { Instruction } from '../isa/instruction.js';
import { contextKind } from './test-run.js';
import type { ProgTypeName } from './prog-types.js';
import { SK_BUFF } from './sk-buff.js';

/** __sk_buff fields the kernel's skb keeps narrower than their 4 bytes here: field offset → bytes in the skb. */
const SKB_NARROW_FIELDS: ReadonlyMap<number, number> = new Map([
  [SK_BUFF.pkt_type, 1], [SK_BUFF.queue_mapping, 2], [SK_BUFF.protocol, 2], [SK_BUFF.vlan_tci, 2],
  [SK_BUFF.vlan_proto, 2], [SK_BUFF.tc_index, 2], [SK_BUFF.tc_classid, 2], [SK_BUFF.gso_segs, 2], [SK_BUFF.gso_size, 2],
]);

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
    const width = SKB_NARROW_FIELDS.get(field);
    if (width === undefined || off === field) continue;
    const insn = out[index];
    const size = [4, 2, 1, 8][(insn.opcode >> 3) & 3];
    if (size >= width) out[index] = { ...insn, off: insn.off - (off - field) };
  }
  return out;
}
