import type { HelperContext } from '../abi.js';
import type { EngineOptions, TraceHook } from '../executable.js';

/**
 * Where the packet of an skb lives, for the legacy LD_ABS/LD_IND loads:
 * `offset` is the arena offset of its first byte, `length` its linear length.
 * The headers, when known, let negative offsets reach them (SKF_NET_OFF,
 * SKF_LL_OFF): arena offsets of the buffer's start (skb->head), of the
 * network header and of the link-layer header.
 */
export interface SkbPacket {
  readonly offset: number;
  readonly length: number;
  readonly head?: number;
  readonly network?: number;
  readonly mac?: number;
}

/**
 * Finds the packet of the skb that r6 points to (`skb` is r6 as unsigned
 * 64-bit), or null when r6 is no skb (the load then ends the program with 0,
 * as the kernel does for a failed load).
 */
export type SkbPacketResolver = (skb: bigint, env: HelperContext) => SkbPacket | null;

export interface InterpreterOptions extends EngineOptions {
  /** Called before every instruction with pc and r0..r10 (slow: for stepping and debugging). */
  readonly trace?: TraceHook;
  /**
   * Packet lookup for LD_ABS/LD_IND. Default: the conformance convention, in
   * which r6 points at the packet itself: the bytes from r6 to the end of the
   * arena region holding it.
   */
  readonly skbPacket?: SkbPacketResolver;
}
