import type { HelperFn, HelperTable } from '../engine/abi.js';
import type { HelperProto } from './proto.js';
import type { HelperDefinition } from './definition.js';
import { MAP_HELPERS } from './map-helpers.js';
import { CALLBACK_HELPERS } from './callback-helpers.js';
import { TAIL_CALL_HELPERS } from './tail-call.js';
import { SYSTEM_HELPERS } from './system-helpers.js';
import { TASK_HELPERS } from './task-helpers.js';
import { PRINTK_HELPERS } from './printk-helpers.js';
import { STRING_HELPERS } from './string-helpers.js';
import { PROBE_READ_HELPERS } from './probe-read-helpers.js';
import { RINGBUF_HELPERS } from './ringbuf-helpers.js';
import { PERF_HELPERS } from './perf-helpers.js';
import { CSUM_HELPERS } from './csum-helpers.js';
import { PACKET_HELPERS } from './packet-helpers.js';
import { ATTACH_HELPERS } from './attach-helpers.js';
import { SPIN_LOCK_HELPERS } from './spin-lock-helpers.js';
import { REDIRECT_MAP_HELPERS } from './redirect-map-helper.js';
import { SKB_RESHAPE_HELPERS } from './skb-reshape-helpers.js';
import { CGROUP_HELPERS } from './cgroup-helpers.js';
import { STACK_HELPERS } from './stack-helpers.js';
import { SOCK_LOOKUP_HELPERS } from './sock-lookup-helpers.js';
import { SOCK_CAST_HELPERS } from './sock-cast-helpers.js';

/**
 * The helper table: every helper tsbpf implements, by kernel id, with its
 * prototype (what the verifier checks) and implementation (what the
 * interpreter and the JIT call). Which program types may call which helper
 * is in src/progtypes/allowed-helpers.ts.
 */
export const HELPERS: ReadonlyMap<number, HelperDefinition> = new Map(
  [
    ...MAP_HELPERS, ...CALLBACK_HELPERS, ...TAIL_CALL_HELPERS, ...SYSTEM_HELPERS, ...TASK_HELPERS, ...PRINTK_HELPERS,
    ...STRING_HELPERS, ...PROBE_READ_HELPERS, ...RINGBUF_HELPERS, ...PERF_HELPERS, ...CSUM_HELPERS, ...PACKET_HELPERS,
    ...ATTACH_HELPERS, ...SPIN_LOCK_HELPERS, ...REDIRECT_MAP_HELPERS, ...SKB_RESHAPE_HELPERS, ...CGROUP_HELPERS,
    ...STACK_HELPERS, ...SOCK_LOOKUP_HELPERS, ...SOCK_CAST_HELPERS,
  ].sort((a, b) => a.proto.id - b.proto.id).map((h) => [h.proto.id, h]),
);

/** Implementations by id, as EngineOptions.helpers takes them. */
export const HELPER_TABLE: HelperTable = new Map<number, HelperFn>([...HELPERS].map(([id, h]) => [id, h.fn]));

/** The prototype of helper `id`, or undefined when tsbpf does not implement it. */
export function helperProto(id: number): HelperProto | undefined {
  return HELPERS.get(id)?.proto;
}
