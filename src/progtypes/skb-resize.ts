import { EINVAL, ENOTSUPP } from '../maps/errno.js';
import type { SkbBuff } from './skb-buff.js';

/** BPF_SKB_MAX_LEN: SKB_MAX_ALLOC, an order-2 allocation less struct skb_shared_info. */
export const BPF_SKB_MAX_LEN = (4096 << 2) - 320;

/**
 * __bpf_skb_min_len(): the packet may not end before the network header, or
 * the transport header once one is set (a test run has no partial checksum).
 */
export const skbMinLen = (skb: SkbBuff): number => Math.max(skb.transportOffset ?? skb.networkOffset, 0);

/**
 * bpf_skb_change_tail(skb, new_len, flags): sets the packet length; grown
 * bytes are zero (also where an earlier trim left bytes). -EINVAL for
 * flags, or a length below the network header or above BPF_SKB_MAX_LEN;
 * -ENOTSUPP once bpf_skb_adjust_room() encapsulated the packet.
 */
export function skbChangeTail(skb: SkbBuff, newLen: number, flags: bigint): number {
  if (flags !== 0n || newLen > BPF_SKB_MAX_LEN || newLen < skbMinLen(skb)) return -EINVAL;
  if (skb.encapsulation) return -ENOTSUPP;
  if (newLen > skb.len) {
    skb.reserve(0, newLen - skb.len);
    skb.arena.bytes.fill(0, skb.dataEnd, skb.data + newLen);
  }
  skb.setPacket(skb.data, skb.data + newLen);
  return 0;
}

/**
 * bpf_skb_change_head(skb, head_room, flags): prepends head_room zeroed
 * bytes (the new MAC header); the network header stays where it was.
 * -EINVAL for flags or a length above BPF_SKB_MAX_LEN (or past 2^32).
 */
export function skbChangeHead(skb: SkbBuff, headRoom: number, flags: bigint): number {
  const newLen = skb.len + headRoom;
  if (flags !== 0n || newLen > BPF_SKB_MAX_LEN || newLen > 0xffffffff) return -EINVAL;
  skb.reserve(headRoom, 0);
  const data = skb.data - headRoom;
  skb.arena.bytes.fill(0, data, skb.data);
  skb.networkOffset += headRoom;
  skb.setPacket(data, skb.dataEnd);
  return 0;
}
