import { RingBufMap, ringBufOfSample } from '../maps/ringbuf-map.js';
import { defineHelper, type HelperDefinition } from './definition.js';
import { guestRange, pointerOffset } from './guest-memory.js';
import { typedMapArg } from './map-access.js';
import { HelperError } from './errors.js';
import { ret, u32, u64 } from './args.js';

/** bpf_ringbuf_output(ringbuf, data, size, flags): reserve, copy, submit; 0, -EINVAL or -EAGAIN. */
const ringbufOutput = defineHelper('ringbuf_output', ['ARG_CONST_MAP_PTR', 'ARG_PTR_TO_MEM', 'ARG_CONST_SIZE_OR_ZERO', 'ARG_ANYTHING'], 'RET_INTEGER', (env, r1, r2, r3, r4) => {
  const ring = typedMapArg(env, r1, 'bpf_ringbuf_output', RingBufMap);
  const size = u32(r3);
  const data = guestRange(env, r2, size, false);
  return ret(ring.output(env.arena.bytes.slice(data, data + size), u64(r4)));
}, { retErrnoOnly: true });

/** bpf_ringbuf_reserve(ringbuf, size, flags): a record to fill, or NULL; it must be submitted or discarded. */
const ringbufReserve = defineHelper('ringbuf_reserve', ['ARG_CONST_MAP_PTR', 'ARG_CONST_ALLOC_SIZE_OR_ZERO', 'ARG_ANYTHING'], 'RET_PTR_TO_RINGBUF_MEM_OR_NULL', (env, r1, r2, r3) => {
  const ring = typedMapArg(env, r1, 'bpf_ringbuf_reserve', RingBufMap);
  if (u64(r3) !== 0n) return 0n;
  const size = u64(r2);
  if (size > 0xffffffffn) return 0n;
  const sample = ring.reserve(Number(size));
  return sample === 0 ? 0n : env.arena.pointer(sample);
}, { acquiresRef: true });

function commit(name: 'ringbuf_submit' | 'ringbuf_discard', discard: boolean): HelperDefinition {
  return defineHelper(name, ['ARG_PTR_TO_RINGBUF_MEM', 'ARG_ANYTHING'], 'RET_VOID', (env, r1, r2) => {
    const sample = pointerOffset(env.arena, r1);
    const ring = sample < 0 ? undefined : ringBufOfSample(env.arena, sample);
    if (!ring) throw new HelperError(env.pc, `bpf_${name}`, `0x${u64(r1).toString(16)} is not a reserved ring buffer record`);
    ring.commit(sample, u64(r2), discard);
    return 0n;
  }, { releasesArg: 0 });
}

/** bpf_ringbuf_query(ringbuf, flags): BPF_RB_AVAIL_DATA, BPF_RB_RING_SIZE, BPF_RB_CONS_POS, BPF_RB_PROD_POS. */
const ringbufQuery = defineHelper('ringbuf_query', ['ARG_CONST_MAP_PTR', 'ARG_ANYTHING'], 'RET_INTEGER', (env, r1, r2) =>
  typedMapArg(env, r1, 'bpf_ringbuf_query', RingBufMap).query(u64(r2)));

export const RINGBUF_HELPERS: readonly HelperDefinition[] = [
  ringbufOutput, ringbufReserve, commit('ringbuf_submit', false), commit('ringbuf_discard', true), ringbufQuery,
];
