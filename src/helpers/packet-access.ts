import type { HelperContext } from '../engine/abi.js';
import { contextAt } from '../progtypes/context-registry.js';
import { XdpBuff } from '../progtypes/xdp-buff.js';
import { SkbBuff } from '../progtypes/skb-buff.js';
import { HelperError } from './errors.js';
import { pointerOffset } from './guest-memory.js';

/** The XDP buffer whose xdp_md a ctx argument points to. */
export function xdpArg(env: HelperContext, ctx: bigint, helper: string): XdpBuff {
  const c = contextAt(env.arena, pointerOffset(env.arena, ctx));
  if (!(c instanceof XdpBuff)) throw new HelperError(env.pc, helper, 'R1 is not the xdp_md of an XDP run');
  return c;
}

/** The skb whose __sk_buff a ctx argument points to. */
export function skbArg(env: HelperContext, ctx: bigint, helper: string): SkbBuff {
  const c = contextAt(env.arena, pointerOffset(env.arena, ctx));
  if (!(c instanceof SkbBuff)) throw new HelperError(env.pc, helper, 'R1 is not the __sk_buff of an skb run');
  return c;
}

/** The packet of the run's XDP or skb context (its length and a copier), or undefined for other contexts. */
export function packetOf(env: HelperContext, ctx: bigint): { length: number; bytes(length: number): Uint8Array } | undefined {
  const c = contextAt(env.arena, pointerOffset(env.arena, ctx));
  if (c instanceof XdpBuff) return { length: c.bufferLength, bytes: (n) => c.packetBytes(0, n) };
  if (c instanceof SkbBuff) return { length: c.len, bytes: (n) => env.arena.bytes.slice(c.data, c.data + n) };
  return undefined;
}
