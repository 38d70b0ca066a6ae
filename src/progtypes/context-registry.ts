import type { Arena } from '../memory/arena.js';

/** A program context built in the arena for a run (its ctx struct at `ctxOffset`). */
export interface ProgramContext {
  readonly kind: 'xdp' | 'skb' | 'raw';
  readonly ctxOffset: number;
  /** Removes its regions and frees its memory. */
  release(): void;
}

const contexts = new WeakMap<Arena, Map<number, ProgramContext>>();

export function registerContext(arena: Arena, context: ProgramContext): void {
  let map = contexts.get(arena);
  if (!map) contexts.set(arena, (map = new Map()));
  map.set(context.ctxOffset, context);
}

export function unregisterContext(arena: Arena, context: ProgramContext): void {
  contexts.get(arena)?.delete(context.ctxOffset);
}

/** The context whose ctx struct starts at arena offset `offset` (what r1 points to), if any. */
export function contextAt(arena: Arena, offset: number): ProgramContext | undefined {
  return contexts.get(arena)?.get(offset);
}
