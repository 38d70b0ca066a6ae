import { E2BIG, EINVAL } from '../maps/errno.js';
import { defineHelper, type HelperDefinition } from './definition.js';
import { mapArg, mapCpu } from './map-access.js';
import { invokeCallback } from './run-context.js';
import { ret, u32, u64 } from './args.js';

/** BPF_MAX_LOOPS: the most iterations bpf_loop runs. */
export const BPF_MAX_LOOPS = 8 * 1024 * 1024;

/**
 * bpf_loop(nr_loops, callback_fn, callback_ctx, flags): calls
 * callback_fn(i, callback_ctx) for i = 0.. until it returns non-zero; returns
 * the number of calls made.
 */
const loop = defineHelper('loop', ['ARG_ANYTHING', 'ARG_PTR_TO_FUNC', 'ARG_PTR_TO_STACK_OR_NULL', 'ARG_ANYTHING'], 'RET_INTEGER', (env, r1, r2, r3, r4) => {
  const n = u32(r1);
  if (u64(r4) !== 0n) return ret(-EINVAL);
  // The kernel's verifier inlines bpf_loop when flags is a known 0 (as here), and the inlined
  // code sets -E2BIG in 32 bits: r0 is 0xfffffff9, not sign-extended.
  if (n > BPF_MAX_LOOPS) return BigInt(-E2BIG >>> 0);
  for (let i = 0; i < n; i++) {
    if (invokeCallback(env, 'bpf_loop', r2, [BigInt(i), u64(r3), 0n, 0n, 0n]) !== 0n) return BigInt(i + 1);
  }
  return BigInt(n);
});

/**
 * bpf_for_each_map_elem(map, callback_fn, callback_ctx, flags): calls
 * callback_fn(map, key, value, callback_ctx) for each element (this CPU's
 * value in per-CPU maps) until it returns 1; returns the elements visited.
 */
const forEachMapElem = defineHelper('for_each_map_elem', ['ARG_CONST_MAP_PTR', 'ARG_PTR_TO_FUNC', 'ARG_PTR_TO_STACK_OR_NULL', 'ARG_ANYTHING'], 'RET_INTEGER', (env, r1, r2, r3, r4) => {
  const map = mapArg(env, r1, 'bpf_for_each_map_elem');
  if (u64(r4) !== 0n) return ret(-EINVAL);
  const cpu = mapCpu(env, map, 'bpf_for_each_map_elem');
  const arena = env.arena;
  const mapPointer = map.pointer;
  const ctx = u64(r3);
  return ret(map.forEachElem(cpu, (key, value) =>
    invokeCallback(env, 'bpf_for_each_map_elem', r2, [mapPointer, arena.pointer(key), arena.pointer(value), ctx, 0n]) !== 0n));
});

export const CALLBACK_HELPERS: readonly HelperDefinition[] = [loop, forEachMapElem];
