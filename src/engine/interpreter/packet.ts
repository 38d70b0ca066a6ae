import { BPF_B, BPF_H, BPF_IND, opMode, opSize } from '../../isa/opcodes.js';
import type { HelperContext } from '../abi.js';
import { getReg, type Machine } from './machine.js';
import type { SkbPacket } from './options.js';

/**
 * The conformance convention's packet: r6 points at the packet itself, which
 * runs to the end of the arena region holding it.
 */
export function conformanceSkbPacket(skb: bigint, env: HelperContext): SkbPacket | null {
  const offset = env.arena.offsetOf(skb);
  if (offset < 0) return null;
  const region = env.arena.regionAt(offset);
  return region ? { offset, length: region.end - offset } : null;
}

/**
 * LD_ABS / LD_IND, as the kernel runs them (bpf_gen_ld_abs and the
 * bpf_skb_load_helper_* functions): r0 = the big-endian 8/16/32-bit value at
 * `imm` (LD_ABS) or `src + imm` (LD_IND, truncated to a signed 32-bit
 * offset) in the packet of the skb in r6. Returns false when the load is out
 * of the packet: the kernel then ends the program returning 0. r1..r5 keep
 * their values (the verifier forbids reading them afterwards anyway).
 */
export function loadPacket(m: Machine, pc: number, opcode: number, src: number, imm: number): boolean {
  const size = opSize(opcode) === BPF_B ? 1 : opSize(opcode) === BPF_H ? 2 : 4;
  const off = opMode(opcode) === BPF_IND ? (m.lo[src] + imm) | 0 : imm;
  const resolve = m.skbPacket ?? conformanceSkbPacket;
  const packet = resolve(getReg(m, 6), m.env);
  if (!packet || off < 0 || off + size > packet.length) return false;
  const at = packet.offset + off;
  if (m.checked) m.arena.check(pc, at, size, false);
  else if (at + size > m.arena.size) return false;
  const view = m.arena.view;
  m.lo[0] = size === 1 ? view.getUint8(at) : size === 2 ? view.getUint16(at, false) : view.getInt32(at, false);
  m.hi[0] = 0;
  return true;
}
