import type { HeaderSpec } from '../ctx/c-header.js';
import { PERF_EVENT_CTX } from './perf-event-ctx.js';

/** include/tsbpf/perf_event.h: the context of perf_event programs on tsbpf's timers. */
export const PERF_EVENT_HEADER: HeaderSpec = {
  file: 'perf_event.h',
  title: 'Context of tsbpf\'s sampling timers: SEC("perf_event") programs get a struct tsbpf_perf_event,\n'
    + ' * which starts as the kernel\'s struct bpf_perf_event_data (regs, sample_period, addr).',
  structs: [PERF_EVENT_CTX],
};
