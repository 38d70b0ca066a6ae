import dc from 'node:diagnostics_channel';
import type { CtxImage } from '../ctx/image.js';
import type { StructDef } from '../ctx/layout.js';

/**
 * Fills a context image for one event from its message; returns false to
 * drop the event. `nowNs` is the event's time, already in the record's ts_ns.
 */
export type CtxFill = (img: CtxImage, message: unknown, nowNs: bigint) => boolean | void;
/**
 * Hands one event to the tracepoint: `fill(img, message)` writes its
 * context. Passing the message beside a fill function made once (rather
 * than a closure over it) keeps the hot path free of allocation.
 */
export type Emit = (fill: CtxFill, message?: unknown) => void;

/**
 * One tsbpf tracepoint in the `node` category: `tracepoint/node/<name>`,
 * fed by Node.js's diagnostics_channel. `install` subscribes to the
 * channels it needs and returns the function that removes every subscriber
 * and listener it added.
 */
export interface NodeTracepointDef {
  /** e.g. `http_server_request`. */
  readonly name: string;
  /** ent.type: the tracepoint's id (as /sys/kernel/tracing/events/<cat>/<name>/id). */
  readonly id: number;
  /** The diagnostics_channel name(s) it comes from, for documentation. */
  readonly channel: string;
  /** When it fires, in a sentence. */
  readonly doc: string;
  readonly struct: StructDef;
  install(emit: Emit): () => void;
}

/** A source that fires once per message of one channel. */
export function onChannel(channel: string, fill: CtxFill): (emit: Emit) => () => void {
  return (emit) => {
    const handler = (message: unknown): void => emit(fill, message);
    dc.subscribe(channel, handler);
    return () => { dc.unsubscribe(channel, handler); };
  };
}

/** Subscribes `handler` to `channel` and returns the unsubscribe function. */
export function subscribe(channel: string, handler: (message: unknown) => void): () => void {
  dc.subscribe(channel, handler);
  return () => { dc.unsubscribe(channel, handler); };
}
