import { PT_REGS } from '../ctx/kernel-structs.js';
import { fieldOffset, layoutOf, type StructDef } from '../ctx/layout.js';

/**
 * The context of `perf_event` programs on tsbpf's timers: the kernel's
 * struct bpf_perf_event_data (pt_regs, sample_period, addr) followed by the
 * state of the Node.js process at the sample.
 */
export const PERF_EVENT_CTX: StructDef = {
  name: 'tsbpf_perf_event',
  doc: 'perf_event: a timer sample of the Node.js process (starts as struct bpf_perf_event_data)',
  fields: [
    { name: 'regs', type: PT_REGS, doc: 'ip: the sample\'s number; the rest 0 (JavaScript has no registers to sample)' },
    { name: 'sample_period', type: '__u64', doc: 'nanoseconds between samples' },
    { name: 'addr', type: '__u64', doc: '0' },
    { name: 'ts_ns', type: '__u64', doc: 'monotonic time of the sample, the clock of bpf_ktime_get_ns()' },
    { name: 'loop_lag_ns', type: '__u64', doc: 'how late the event loop ran this sample: time it was blocked' },
    { name: 'loop_utilization_ppm', type: '__u64', doc: 'event loop utilization since the previous sample, parts per million' },
    { name: 'heap_used', type: '__u64', doc: 'V8 heap in use, bytes' },
    { name: 'heap_total', type: '__u64' },
    { name: 'rss', type: '__u64', doc: 'resident set size, bytes' },
    { name: 'cpu_user_us', type: '__u64', doc: 'user CPU time since the previous sample, microseconds' },
    { name: 'cpu_system_us', type: '__u64', doc: 'system CPU time since the previous sample, microseconds' },
    { name: 'active_resources', type: '__u32', doc: 'handles and requests keeping the loop alive' },
    { name: 'tid', type: '__u32', doc: '0 on the main thread, else the worker\'s threadId' },
  ],
};

export const PERF_EVENT_LAYOUT = layoutOf(PERF_EVENT_CTX);

const o = (n: string): number => fieldOffset(PERF_EVENT_LAYOUT, n);
export const PERF_AT = {
  ip: o('regs.ip'), samplePeriod: o('sample_period'), ts: o('ts_ns'), lag: o('loop_lag_ns'), elu: o('loop_utilization_ppm'),
  heapUsed: o('heap_used'), heapTotal: o('heap_total'), rss: o('rss'), cpuUser: o('cpu_user_us'), cpuSystem: o('cpu_system_us'),
  resources: o('active_resources'), tid: o('tid'),
} as const;
