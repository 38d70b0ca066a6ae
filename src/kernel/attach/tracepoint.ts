import { PERF_TYPE_TRACEPOINT, perfEventOpen } from '../libc/perf-event.js';
import { BpfProgType } from '../uapi.js';
import { AttachTargetError } from './errors.js';
import type { KernelLink } from './kernel-link.js';
import { attachToPerfEvents } from './perf-link.js';
import { requireProgramType, type AttachableProgram } from './program-ref.js';
import { tracepointId } from './tracefs.js';

export interface TracepointOptions {
  /** bpf_get_attach_cookie()'s value. */
  readonly cookie?: bigint;
}

/**
 * Attaches a BPF_PROG_TYPE_TRACEPOINT program to tracepoint `category/name`
 * (`syscalls/sys_enter_openat`): perf_event_open on its tracefs id, system
 * wide, then a perf link. The program runs for the event on every CPU.
 */
export function attachTracepoint(program: AttachableProgram, tracepoint: string, options: TracepointOptions = {}): KernelLink {
  requireProgramType(program, 'a tracepoint', BpfProgType.BPF_PROG_TYPE_TRACEPOINT);
  const slash = tracepoint.indexOf('/');
  if (slash <= 0 || slash === tracepoint.length - 1) {
    throw new AttachTargetError('tracepoint', tracepoint, 'a tracepoint is named category/name, e.g. syscalls/sys_enter_openat');
  }
  const id = tracepointId(tracepoint.slice(0, slash), tracepoint.slice(slash + 1));
  const fd = perfEventOpen({ type: PERF_TYPE_TRACEPOINT, config: BigInt(id), samplePeriod: 1n, wakeupEvents: 1 }, -1, 0, `tracepoint ${tracepoint} (id ${id})`);
  return attachToPerfEvents(program, [fd], 'tracepoint', tracepoint, options.cookie);
}
