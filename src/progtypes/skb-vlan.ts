import { EINVAL, ENOMEM } from '../maps/errno.js';
import type { SkbBuff } from './skb-buff.js';
import { ETH_HLEN } from './xdp-md.js';

/** htons(ETH_P_8021Q), htons(ETH_P_8021AD): the protocols as skb fields hold them. */
const VLAN_8021Q = 0x0081;
const VLAN_8021AD = 0xa888;
const VLAN_HLEN = 4;
const ETH_ALEN = 6;
const htons = (x: number): number => ((x & 0xff) << 8) | ((x >> 8) & 0xff);
const ethTypeVlan = (proto: number): boolean => proto === VLAN_8021Q || proto === VLAN_8021AD;

/** skb->data must be at the MAC header (tc): skb_vlan_push/pop warn and refuse otherwise. */
const atMac = (skb: SkbBuff): boolean => skb.runKind.l2;

/**
 * bpf_skb_vlan_push(skb, vlan_proto, vlan_tci): the new tag becomes the
 * hardware-accelerated one (the packet bytes do not change); a tag already
 * there is first written into the packet after the MAC addresses
 * (__vlan_insert_tag), which makes skb->protocol that tag's protocol.
 * A vlan_proto other than 802.1Q/802.1AD (network order) means 802.1Q.
 */
export function skbVlanPush(skb: SkbBuff, vlanProto: number, vlanTci: number): number {
  const proto = ethTypeVlan(vlanProto) ? vlanProto : VLAN_8021Q;
  if (skb.vlanProto !== 0 || skb.vlanTci !== 0) {
    if (!atMac(skb)) return -EINVAL;
    skb.reserve(VLAN_HLEN, 0);
    const bytes = skb.arena.bytes;
    const data = skb.data - VLAN_HLEN;
    bytes.copyWithin(data, skb.data, skb.data + 2 * ETH_ALEN);
    const view = skb.arena.view;
    view.setUint16(data + 2 * ETH_ALEN, skb.vlanProto, true);
    view.setUint16(data + 2 * ETH_ALEN + 2, skb.vlanTci, false);
    skb.protocol = skb.vlanProto;
    skb.setPacket(data, skb.dataEnd);
  }
  skb.setVlanTag(proto, vlanTci);
  return 0;
}

/**
 * __skb_vlan_pop(): takes the 802.1Q header after the MAC addresses out of
 * the packet; its encapsulated protocol becomes skb->protocol. -ENOMEM when
 * the packet is shorter than a VLAN Ethernet header (pskb_may_pull fails).
 */
function popFromPacket(skb: SkbBuff): { tci: number } | number {
  if (!atMac(skb)) return -EINVAL;
  if (skb.len < ETH_HLEN + VLAN_HLEN) return -ENOMEM;
  const view = skb.arena.view;
  const tci = view.getUint16(skb.data + ETH_HLEN, false);
  const encapsulated = view.getUint16(skb.data + ETH_HLEN + 2, true);
  skb.arena.bytes.copyWithin(skb.data + VLAN_HLEN, skb.data, skb.data + 2 * ETH_ALEN);
  skb.setPacket(skb.data + VLAN_HLEN, skb.dataEnd);
  skb.networkOffset = Math.max(skb.networkOffset - VLAN_HLEN, ETH_HLEN);
  // vlan_set_encap_proto(): 802.3 lengths below 0x600 mean raw 802.3 (0xffff) or 802.2 frames.
  if (htons(encapsulated) >= 0x600) skb.protocol = encapsulated;
  else skb.protocol = view.getUint16(skb.data, true) === 0xffff ? htons(0x0001) : htons(0x0004);
  return { tci };
}

/**
 * bpf_skb_vlan_pop(skb), skb_vlan_pop(): drops the hardware-accelerated
 * tag, or without one the packet's outer 802.1Q/802.1AD header; then a
 * further VLAN header in the packet moves up into the accelerated tag.
 */
export function skbVlanPop(skb: SkbBuff): number {
  if (skb.vlanProto !== 0 || skb.vlanTci !== 0) {
    skb.setVlanTag(0, 0);
  } else {
    if (!ethTypeVlan(skb.protocol)) return 0;
    const r = popFromPacket(skb);
    if (typeof r === 'number') return r;
  }
  if (!ethTypeVlan(skb.protocol)) return 0;
  const proto = skb.protocol;
  const r = popFromPacket(skb);
  if (typeof r === 'number') return r;
  skb.setVlanTag(proto, r.tci);
  return 0;
}
