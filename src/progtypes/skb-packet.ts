import type { HelperContext } from '../engine/abi.js';
import { contextAt } from './context-registry.js';
import { SkbBuff } from './skb-buff.js';
import type { SkbPacket } from '../engine/interpreter/options.js';
import { ETH_HLEN } from './xdp-md.js';

/**
 * The packet of the skb whose __sk_buff r6 points to, for LD_ABS/LD_IND
 * (the engines' `skbPacket` option): arena offsets of skb->data, of the
 * buffer and of the network and Ethernet headers, and skb->len; null when
 * r6 is not a test-run skb.
 */
export function skbPacket(skb: bigint, env: HelperContext): SkbPacket | null {
  const offset = env.arena.offsetOf(skb);
  const context = offset < 0 ? undefined : contextAt(env.arena, offset);
  if (!(context instanceof SkbBuff)) return null;
  const network = context.data + context.networkOffset;
  return { offset: context.data, length: context.len, head: context.headOffset, network, mac: network - ETH_HLEN };
}
