import { EINVAL } from '../errno.js';
import { KernelError } from '../errors.js';
import { PERF_EVENT_IOC_DISABLE, PERF_EVENT_IOC_ENABLE, PERF_EVENT_IOC_SET_BPF, perfIoctl } from '../libc/perf-event.js';
import { sysClose } from '../syscall.js';
import { BpfAttachType } from '../uapi.js';
import type { AttachKind } from './errors.js';
import { KernelLink } from './kernel-link.js';
import { linkCreate } from './link-create.js';
import type { AttachableProgram } from './program-ref.js';

/**
 * Attaches a program to open perf events (one per CPU for sampling, one for
 * tracepoints and probes) and enables them. Through BPF_LINK_CREATE with
 * BPF_PERF_EVENT (kernel 5.15+), each event gets a link that holds it;
 * older kernels take PERF_EVENT_IOC_SET_BPF, and the attachment lasts while
 * the perf event fd is open. Takes ownership of `perfFds`, closing them on failure.
 */
export function attachToPerfEvents(program: AttachableProgram, perfFds: readonly number[], kind: AttachKind, target: string, cookie?: bigint): KernelLink {
  const links: number[] = [];
  let viaIoctl = false;
  try {
    for (const pfd of perfFds) {
      if (!viaIoctl) {
        try {
          links.push(linkCreate({ progFd: program.fd, target: pfd, attachType: BpfAttachType.BPF_PERF_EVENT, cookie }));
        } catch (err) {
          if (!(err instanceof KernelError) || err.errno !== EINVAL || links.length > 0) throw err;
          viaIoctl = true;
        }
      }
      if (viaIoctl) perfIoctl(pfd, PERF_EVENT_IOC_SET_BPF, program.fd, 'PERF_EVENT_IOC_SET_BPF');
      perfIoctl(pfd, PERF_EVENT_IOC_ENABLE, 0, 'PERF_EVENT_IOC_ENABLE');
    }
  } catch (err) {
    for (const fd of [...links, ...perfFds]) sysClose(fd);
    throw err;
  }
  const companions = perfFds.map((fd) => ({ fd, what: `${kind} perf event` }));
  const release = viaIoctl ? () => { for (const fd of perfFds) perfIoctl(fd, PERF_EVENT_IOC_DISABLE, 0, 'PERF_EVENT_IOC_DISABLE'); } : undefined;
  return new KernelLink(kind, target, { links, companions, release });
}
