import { ENODEV } from '../errno.js';
import { KernelError } from '../errors.js';
import { BpfAttachType, BpfProgType } from '../uapi.js';
import { describeInterface, interfaceIndex, type NetworkInterface } from './interfaces.js';
import { KernelLink } from './kernel-link.js';
import { linkCreate } from './link-create.js';
import { addBpfFilter, deleteBpfFilter, ensureClsactQdisc, type ClsactFilter } from './netlink/clsact.js';
import { requireProgramType, type AttachableProgram } from './program-ref.js';

export interface TcOptions {
  /**
   * `tcx` (bpf links, kernel 6.6+), `clsact` (a cls_bpf filter in direct-action
   * mode on the clsact qdisc, through netlink), or `auto` (default: tcx where
   * the kernel has it, else clsact).
   */
  readonly mode?: 'auto' | 'tcx' | 'clsact';
  /** clsact: the filter's priority and handle (default 1 and 1, as libbpf). */
  readonly priority?: number;
  readonly handle?: number;
}

/**
 * Attaches a BPF_PROG_TYPE_SCHED_CLS program to an interface's ingress or
 * egress: a tcx link where the kernel has tcx, else a clsact filter that
 * close() deletes (the clsact qdisc is left in place, as libbpf does).
 */
export function attachTc(program: AttachableProgram, iface: NetworkInterface, direction: 'ingress' | 'egress', options: TcOptions = {}): KernelLink {
  requireProgramType(program, 'tc', BpfProgType.BPF_PROG_TYPE_SCHED_CLS);
  const mode = options.mode ?? 'auto';
  const kind = mode === 'clsact' ? 'tc' : 'tcx';
  const index = interfaceIndex(iface, kind);
  const target = `${describeInterface(iface, index)} ${direction}`;
  if (mode !== 'clsact') {
    try {
      const attachType = direction === 'ingress' ? BpfAttachType.BPF_TCX_INGRESS : BpfAttachType.BPF_TCX_EGRESS;
      return new KernelLink('tcx', target, { links: [linkCreate({ progFd: program.fd, target: index, attachType })] });
    } catch (err) {
      // Kernels before 6.6 do not know the tcx attach types: EINVAL.
      if (mode === 'tcx' || !(err instanceof KernelError) || err.code !== 'EINVAL') throw err;
    }
  }
  const filter: ClsactFilter = { ifindex: index, direction, priority: options.priority ?? 1, handle: options.handle ?? 1 };
  try {
    ensureClsactQdisc(index);
    addBpfFilter(filter, program.fd, program.name || 'tsbpf');
  } catch (err) {
    if (err instanceof KernelError && err.errno === ENODEV) throw new KernelError(err.command, err.errno, `${target} went away`);
    if (err instanceof KernelError && err.code === 'EEXIST') {
      throw new KernelError(err.command, err.errno, `a filter with priority ${filter.priority} and handle ${filter.handle} is already on ${target}`);
    }
    throw err;
  }
  return new KernelLink('tc', `${target} (clsact prio ${filter.priority} handle ${filter.handle})`, { release: () => deleteFilterIfPresent(filter) });
}

/** Deletes the filter; an interface or filter already gone (deleted with the device) is not an error. */
function deleteFilterIfPresent(filter: ClsactFilter): void {
  try {
    deleteBpfFilter(filter);
  } catch (err) {
    if (err instanceof KernelError && (err.errno === ENODEV || err.code === 'ENOENT' || err.code === 'EINVAL')) return;
    throw err;
  }
}
