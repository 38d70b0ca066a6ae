import { sysClose } from '../syscall.js';
import { onlineCpus } from '../libc/online-cpus.js';
import { PERF_COUNT_SW_CPU_CLOCK, PERF_TYPE_SOFTWARE, perfEventOpen } from '../libc/perf-event.js';
import { BpfProgType } from '../uapi.js';
import { AttachTargetError } from './errors.js';
import type { KernelLink } from './kernel-link.js';
import { attachToPerfEvents } from './perf-link.js';
import { requireProgramType, type AttachableProgram } from './program-ref.js';

export interface PerfEventOptions {
  /** perf type and config; default the software cpu-clock (PERF_TYPE_SOFTWARE, PERF_COUNT_SW_CPU_CLOCK). */
  readonly type?: number;
  readonly config?: bigint;
  /** Samples per second on each CPU (default 99, as profilers use). Exclusive with `period`. */
  readonly frequency?: number;
  /** One sample every `period` events (nanoseconds for cpu-clock). */
  readonly period?: bigint;
  /** Which CPUs (default every online CPU). */
  readonly cpus?: readonly number[];
  /** Only this process (default: all, on each CPU). */
  readonly pid?: number;
  readonly cookie?: bigint;
}

/**
 * Attaches a BPF_PROG_TYPE_PERF_EVENT program to a sampling perf event on
 * each CPU (cpu-clock at `frequency` Hz by default): one perf event and one
 * link per CPU, all held by the returned KernelLink.
 */
export function attachPerfEvent(program: AttachableProgram, options: PerfEventOptions = {}): KernelLink {
  requireProgramType(program, 'a perf event', BpfProgType.BPF_PROG_TYPE_PERF_EVENT);
  if (options.frequency !== undefined && options.period !== undefined) {
    throw new AttachTargetError('perf_event', 'cpu-clock', 'give a frequency or a period, not both');
  }
  const frequency = options.period === undefined ? options.frequency ?? 99 : undefined;
  if (frequency !== undefined && (!Number.isInteger(frequency) || frequency <= 0)) {
    throw new AttachTargetError('perf_event', 'cpu-clock', `frequency ${frequency} is not a positive integer`);
  }
  const type = options.type ?? PERF_TYPE_SOFTWARE;
  const config = options.config ?? BigInt(PERF_COUNT_SW_CPU_CLOCK);
  const cpus = options.cpus ?? onlineCpus();
  const what = type === PERF_TYPE_SOFTWARE && config === BigInt(PERF_COUNT_SW_CPU_CLOCK) ? 'cpu-clock' : `type ${type} config ${config}`;
  const fds: number[] = [];
  try {
    for (const cpu of cpus) {
      fds.push(perfEventOpen({
        type,
        config,
        freq: frequency !== undefined,
        samplePeriod: frequency !== undefined ? BigInt(frequency) : options.period,
      }, options.pid ?? -1, cpu, `${what} on CPU ${cpu}`));
    }
  } catch (err) {
    for (const fd of fds) sysClose(fd);
    throw err;
  }
  const target = `${what} ${frequency !== undefined ? `${frequency} Hz` : `period ${options.period}`} on CPUs ${cpus.join(',')}`;
  return attachToPerfEvents(program, fds, 'perf_event', target, options.cookie);
}
