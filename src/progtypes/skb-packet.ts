import type { HelperContext } from '../engine/abi.js';
import { contextAt } from './context-registry.js';
import { SkbBuff } from './skb-buff.js';

/**
 * The packet of the skb whose __sk_buff r6 points to, for LD_ABS/LD_IND
 * (the interpreter's `skbPacket` option): arena offset of skb->data and
 * skb->len; null when r6 is not a test-run skb.
 */
export function skbPacket(skb: bigint, env: HelperContext): { offset: number; length: number } | null {
  const offset = env.arena.offsetOf(skb);
  const context = offset < 0 ? undefined : contextAt(env.arena, offset);
  return context instanceof SkbBuff ? { offset: context.data, length: context.len } : null;
}
