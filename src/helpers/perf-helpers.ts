import { PerfEventArrayMap } from '../maps/perf-event-array-map.js';
import { EFAULT, EINVAL } from '../maps/errno.js';
import { BPF_F_CTXLEN_MASK, BPF_F_CURRENT_CPU, BPF_F_INDEX_MASK } from '../maps/flags.js';
import { defineHelper, type HelperDefinition } from './definition.js';
import { guestRange } from './guest-memory.js';
import { typedMapArg } from './map-access.js';
import { packetOf } from './packet-access.js';
import { runCpu } from './run-context.js';
import { ret, u32, u64 } from './args.js';

/**
 * bpf_perf_event_output(ctx, map, flags, data, size): a sample to the perf
 * buffer at index flags & BPF_F_INDEX_MASK (BPF_F_CURRENT_CPU: the run's CPU).
 * XDP and skb programs may append the first (flags & BPF_F_CTXLEN_MASK) >> 32
 * packet bytes (bpf_xdp_event_output, bpf_skb_event_output).
 */
const perfEventOutput = defineHelper('perf_event_output', ['ARG_PTR_TO_CTX', 'ARG_CONST_MAP_PTR', 'ARG_ANYTHING', 'ARG_PTR_TO_MEM', 'ARG_CONST_SIZE_OR_ZERO'], 'RET_INTEGER', (env, r1, r2, r3, r4, r5) => {
  const map = typedMapArg(env, r2, 'bpf_perf_event_output', PerfEventArrayMap);
  const flags = u64(r3);
  const packet = packetOf(env, r1);
  if ((flags & ~(BPF_F_INDEX_MASK | (packet ? BPF_F_CTXLEN_MASK : 0n))) !== 0n) return ret(-EINVAL);
  const ctxLen = Number((flags & BPF_F_CTXLEN_MASK) >> 32n);
  if (packet && ctxLen > packet.length) return ret(-EFAULT);
  const size = u32(r5);
  const data = guestRange(env, r4, size, false);
  const cpu = runCpu(env);
  let index = flags & BPF_F_INDEX_MASK;
  if (index === BPF_F_CURRENT_CPU) index = BigInt(cpu);
  const sample = new Uint8Array(size + ctxLen);
  sample.set(env.arena.bytes.subarray(data, data + size));
  if (packet && ctxLen > 0) sample.set(packet.bytes(ctxLen), size);
  return ret(map.output(Number(index), cpu, sample));
}, { gplOnly: true, retErrnoOnly: true });

export const PERF_HELPERS: readonly HelperDefinition[] = [perfEventOutput];
