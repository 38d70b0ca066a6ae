import { BpfAttr, cString } from '../bpf-attr.js';
import { ENOENT } from '../errno.js';
import { KernelError } from '../errors.js';
import { sysBpf } from '../syscall.js';
import { BpfCmd, BpfProgType } from '../uapi.js';
import { AttachTargetError } from './errors.js';
import { KernelLink } from './kernel-link.js';
import { requireProgramType, type AttachableProgram } from './program-ref.js';

/**
 * Attaches a BPF_PROG_TYPE_RAW_TRACEPOINT (or _WRITABLE) program to raw
 * tracepoint `name` (`sys_enter`, `sched_switch`): BPF_RAW_TRACEPOINT_OPEN,
 * which returns a link.
 */
export function attachRawTracepoint(program: AttachableProgram, name: string): KernelLink {
  requireProgramType(program, 'a raw tracepoint', BpfProgType.BPF_PROG_TYPE_RAW_TRACEPOINT, BpfProgType.BPF_PROG_TYPE_RAW_TRACEPOINT_WRITABLE);
  try {
    const fd = sysBpf(BpfCmd.BPF_RAW_TRACEPOINT_OPEN, new BpfAttr().pointer(0, cString(name)).u32(8, program.fd));
    return new KernelLink('raw_tracepoint', name, { links: [fd] });
  } catch (err) {
    if (err instanceof KernelError && err.errno === ENOENT) throw new AttachTargetError('raw_tracepoint', name, 'no such raw tracepoint');
    throw err;
  }
}
