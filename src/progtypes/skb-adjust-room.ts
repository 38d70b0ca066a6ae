import { Errno } from '../uapi/errno.js';
import { EFAULT, EINVAL, ENOMEM, ENOTSUPP } from '../maps/errno.js';
import { BPF_SKB_MAX_LEN } from './skb-resize.js';
import type { SkbBuff } from './skb-buff.js';
import { ETH_HLEN } from './xdp-md.js';

// bpf_skb_adjust_room() of net/core/filter.c for a tc program's skb.

export const BPF_ADJ_ROOM_NET = 0;
export const BPF_ADJ_ROOM_MAC = 1;

export const BPF_F_ADJ_ROOM_FIXED_GSO = 1n << 0n;
export const BPF_F_ADJ_ROOM_ENCAP_L3_IPV4 = 1n << 1n;
export const BPF_F_ADJ_ROOM_ENCAP_L3_IPV6 = 1n << 2n;
export const BPF_F_ADJ_ROOM_ENCAP_L4_GRE = 1n << 3n;
export const BPF_F_ADJ_ROOM_ENCAP_L4_UDP = 1n << 4n;
export const BPF_F_ADJ_ROOM_NO_CSUM_RESET = 1n << 5n;
export const BPF_F_ADJ_ROOM_ENCAP_L2_ETH = 1n << 6n;
export const BPF_F_ADJ_ROOM_DECAP_L3_IPV4 = 1n << 7n;
export const BPF_F_ADJ_ROOM_DECAP_L3_IPV6 = 1n << 8n;
/** BPF_F_ADJ_ROOM_ENCAP_L2(len): the inner MAC header's length in the top byte. */
const ENCAP_L2_SHIFT = 56n;

const ENCAP_L3_MASK = BPF_F_ADJ_ROOM_ENCAP_L3_IPV4 | BPF_F_ADJ_ROOM_ENCAP_L3_IPV6;
const DECAP_L3_MASK = BPF_F_ADJ_ROOM_DECAP_L3_IPV4 | BPF_F_ADJ_ROOM_DECAP_L3_IPV6;
const ADJ_ROOM_MASK = BPF_F_ADJ_ROOM_FIXED_GSO | ENCAP_L3_MASK | BPF_F_ADJ_ROOM_ENCAP_L4_GRE | BPF_F_ADJ_ROOM_ENCAP_L4_UDP |
  BPF_F_ADJ_ROOM_ENCAP_L2_ETH | (0xffn << ENCAP_L2_SHIFT) | DECAP_L3_MASK;
const SHRINK_FLAGS = BPF_F_ADJ_ROOM_FIXED_GSO | DECAP_L3_MASK | BPF_F_ADJ_ROOM_NO_CSUM_RESET;

/** htons(ETH_P_IP), htons(ETH_P_IPV6) as the skb's protocol field holds them. */
const PROTO_IP = 0x0008;
const PROTO_IPV6 = 0xdd86;
const IPV4_HLEN = 20;
const IPV6_HLEN = 40;
const MAX_LEN_DIFF = 0xfff;
const { EALREADY } = Errno;

/** bpf_skb_net_base_len(): the fixed network header of skb->protocol. */
const netBaseLen = (proto: number): number | undefined =>
  proto === PROTO_IP ? IPV4_HLEN : proto === PROTO_IPV6 ? IPV6_HLEN : undefined;

const has = (flags: bigint, f: bigint): boolean => (flags & f) !== 0n;

/**
 * bpf_skb_adjust_room(skb, len_diff, mode, flags): inserts len_diff zeroed
 * bytes (or removes -len_diff bytes) after the MAC header
 * (BPF_ADJ_ROOM_MAC) or after the fixed IPv4/IPv6 header (BPF_ADJ_ROOM_NET);
 * the headers before the room move with skb->data, so the network header
 * stays at the same offset. ENCAP flags mark the skb encapsulated (and set
 * the transport header for GRE/UDP), ENCAP/DECAP_L3 switch skb->protocol.
 */
export function skbAdjustRoom(skb: SkbBuff, lenDiff: number, mode: number, flags: bigint): number {
  const shrink = lenDiff < 0;
  const diff = Math.abs(lenDiff);
  if ((flags & ~(ADJ_ROOM_MASK | BPF_F_ADJ_ROOM_NO_CSUM_RESET)) !== 0n) return -EINVAL;
  if (diff > MAX_LEN_DIFF) return -EFAULT;
  const base = netBaseLen(skb.protocol);
  if (base === undefined) return -ENOTSUPP;
  // skb_mac_header_len(): a tc program's skb->data is at the MAC header.
  let off = skb.networkOffset;
  if (mode === BPF_ADJ_ROOM_NET) off += base;
  else if (mode !== BPF_ADJ_ROOM_MAC) return -ENOTSUPP;
  let lenMin = base;
  if (has(flags, DECAP_L3_MASK)) {
    if (!shrink) return -EINVAL;
    const decap = flags & DECAP_L3_MASK;
    if (decap === BPF_F_ADJ_ROOM_DECAP_L3_IPV4) lenMin = IPV4_HLEN;
    else if (decap === BPF_F_ADJ_ROOM_DECAP_L3_IPV6) lenMin = IPV6_HLEN;
    else return -EINVAL;
  }
  const lenCur = (skb.len - skb.networkOffset) >>> 0;
  if (shrink ? diff >= lenCur || lenCur - diff < lenMin : skb.len + diff > BPF_SKB_MAX_LEN && !skb.isGso) return -ENOTSUPP;
  return shrink ? netShrink(skb, off, diff, flags) : netGrow(skb, off, diff, flags);
}

/**
 * bpf_skb_net_grow(). A test run's GSO skb (gso_size from ctx_in) has no
 * gso_type, so it is never TCP or UDP_L4 GSO: -ENOTSUPP.
 */
function netGrow(skb: SkbBuff, off: number, diff: number, flags: bigint): number {
  const innerMacLen = Number((flags >> ENCAP_L2_SHIFT) & 0xffn);
  const encap = has(flags, ENCAP_L3_MASK);
  if (skb.isGso) return -ENOTSUPP;
  skb.reserve(diff, 0);
  const macLen = skb.networkOffset;
  if (encap) {
    if (has(flags, BPF_F_ADJ_ROOM_ENCAP_L3_IPV4) && has(flags, BPF_F_ADJ_ROOM_ENCAP_L3_IPV6)) return -EINVAL;
    if (has(flags, BPF_F_ADJ_ROOM_ENCAP_L4_GRE) && has(flags, BPF_F_ADJ_ROOM_ENCAP_L4_UDP)) return -EINVAL;
    if (has(flags, BPF_F_ADJ_ROOM_ENCAP_L2_ETH) && innerMacLen < ETH_HLEN) return -EINVAL;
    if (skb.encapsulation) return -EALREADY;
    if (innerMacLen > diff) return -EINVAL;
  }
  netHdrPush(skb, off, diff);
  if (encap) {
    skb.encapsulation = true;
    skb.networkOffset = macLen;
    if (has(flags, BPF_F_ADJ_ROOM_ENCAP_L4_GRE) || has(flags, BPF_F_ADJ_ROOM_ENCAP_L4_UDP)) {
      skb.transportOffset = macLen + (has(flags, BPF_F_ADJ_ROOM_ENCAP_L3_IPV6) ? IPV6_HLEN : IPV4_HLEN);
    }
    // The outer L3 protocol becomes skb->protocol.
    if (skb.protocol === PROTO_IP && has(flags, BPF_F_ADJ_ROOM_ENCAP_L3_IPV6)) skb.protocol = PROTO_IPV6;
    else if (skb.protocol === PROTO_IPV6 && has(flags, BPF_F_ADJ_ROOM_ENCAP_L3_IPV4)) skb.protocol = PROTO_IP;
  }
  return 0;
}

/** bpf_skb_net_shrink(): only FIXED_GSO, DECAP_L3 and NO_CSUM_RESET apply. */
function netShrink(skb: SkbBuff, off: number, diff: number, flags: bigint): number {
  if ((flags & ~SHRINK_FLAGS) !== 0n) return -EINVAL;
  if (skb.isGso) return -ENOTSUPP;
  const r = netHdrPop(skb, off, diff);
  if (r < 0) return r;
  if (skb.protocol === PROTO_IP && has(flags, BPF_F_ADJ_ROOM_DECAP_L3_IPV6)) skb.protocol = PROTO_IPV6;
  else if (skb.protocol === PROTO_IPV6 && has(flags, BPF_F_ADJ_ROOM_DECAP_L3_IPV4)) skb.protocol = PROTO_IP;
  return 0;
}

/**
 * bpf_skb_net_hdr_push(): the first `off` bytes move `len` bytes forward,
 * zeros fill the gap; MAC and network headers move with them, a transport
 * header equal to the network header too.
 */
function netHdrPush(skb: SkbBuff, off: number, len: number): void {
  const transSame = skb.transportOffset === skb.networkOffset;
  const bytes = skb.arena.bytes;
  const data = skb.data - len;
  bytes.copyWithin(data, skb.data, skb.data + off);
  bytes.fill(0, data + off, data + off + len);
  skb.setPacket(data, skb.dataEnd);
  if (transSame) skb.transportOffset = skb.networkOffset;
}

/** bpf_skb_net_hdr_pop(): removes `len` bytes after the first `off`; -ENOMEM when the packet is shorter than both. */
function netHdrPop(skb: SkbBuff, off: number, len: number): number {
  if (skb.len < off + len) return -ENOMEM;
  const transSame = skb.transportOffset === skb.networkOffset;
  skb.arena.bytes.copyWithin(skb.data + len, skb.data, skb.data + off);
  skb.setPacket(skb.data + len, skb.dataEnd);
  if (transSame) skb.transportOffset = skb.networkOffset;
  return 0;
}
