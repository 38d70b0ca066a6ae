import { cString } from '../bpf-attr.js';
import { ENOENT } from '../errno.js';
import { KernelError } from '../errors.js';
import { perfEventOpen } from '../libc/perf-event.js';
import { BpfProgType } from '../uapi.js';
import { AttachTargetError } from './errors.js';
import type { KernelLink } from './kernel-link.js';
import { attachToPerfEvents } from './perf-link.js';
import { requireProbePmu } from './probe-pmu.js';
import { requireProgramType, type AttachableProgram } from './program-ref.js';

export interface KprobeOptions {
  /** A kretprobe: the program runs when the function returns. */
  readonly retprobe?: boolean;
  /** bpf_get_attach_cookie()'s value. */
  readonly cookie?: bigint;
}

/**
 * Attaches a BPF_PROG_TYPE_KPROBE program to kernel function `target`
 * (`do_sys_openat2`, or `function+offset`) through the kprobe PMU. Kernels
 * built without kprobes throw NotSupportedError('kprobes').
 */
export function attachKprobe(program: AttachableProgram, target: string, options: KprobeOptions = {}): KernelLink {
  const kind = options.retprobe ? 'kretprobe' : 'kprobe';
  requireProgramType(program, `a ${kind}`, BpfProgType.BPF_PROG_TYPE_KPROBE);
  const match = /^([A-Za-z_][\w.]*)(?:\+(0x[0-9a-fA-F]+|\d+))?$/.exec(target);
  if (!match) throw new AttachTargetError(kind, target, 'expected a kernel function name, optionally +offset');
  const pmu = requireProbePmu('kprobe');
  let fd: number;
  try {
    fd = perfEventOpen({
      type: pmu.type,
      config: options.retprobe ? 1n << BigInt(pmu.retprobeBit) : 0n,
      config1: cString(match[1]),
      config2: BigInt(match[2] ?? 0),
      samplePeriod: 1n,
      wakeupEvents: 1,
    }, -1, 0, `${kind} ${target}`);
  } catch (err) {
    if (err instanceof KernelError && err.errno === ENOENT) throw new AttachTargetError(kind, target, 'no such kernel function (or it cannot be probed)');
    throw err;
  }
  return attachToPerfEvents(program, [fd], kind, target, options.cookie);
}
