import { BPF_B, BPF_H, BPF_IND, opMode, opSize } from '../../isa/opcodes.js';
import type { HelperContext } from '../abi.js';
import { getReg, type Machine } from './machine.js';
import type { SkbPacket } from './options.js';

/** SKF_NET_OFF and SKF_LL_OFF: classic BPF's offsets from the network and link-layer headers. */
const SKF_NET_OFF = -0x100000;
const SKF_LL_OFF = -0x200000;

/**
 * The arena offset of `size` bytes at LD_ABS/LD_IND offset `off` of the
 * packet, or -1 when they fall outside it: a negative offset counts from the
 * network header (from SKF_NET_OFF) or the link-layer one (from SKF_LL_OFF),
 * and must stay within the buffer (bpf_internal_load_pointer_neg_helper).
 */
export function packetLoadOffset(packet: SkbPacket, off: number, size: number): number {
  if (off >= 0) return off + size <= packet.length ? packet.offset + off : -1;
  let at: number;
  if (off >= SKF_NET_OFF && packet.network !== undefined) at = packet.network + off - SKF_NET_OFF;
  else if (off >= SKF_LL_OFF && off < SKF_NET_OFF && packet.mac !== undefined) at = packet.mac + off - SKF_LL_OFF;
  else return -1;
  return at >= (packet.head ?? packet.offset) && at + size <= packet.offset + packet.length ? at : -1;
}

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
  const at = packet ? packetLoadOffset(packet, off, size) : -1;
  if (at < 0) return false;
  if (m.checked) m.arena.check(pc, at, size, false);
  else if (at + size > m.arena.size) return false;
  const view = m.arena.view;
  m.lo[0] = size === 1 ? view.getUint8(at) : size === 2 ? view.getUint16(at, false) : view.getInt32(at, false);
  m.hi[0] = 0;
  return true;
}
