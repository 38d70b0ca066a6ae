import { closeSync, constants, openSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { mountPointOf } from '../libc/mounts.js';
import { NotSupportedError } from '../features/not-supported-error.js';
import { BpfAttachType, type BpfAttachTypeName } from '../uapi.js';
import { AttachTargetError } from './errors.js';
import { KernelLink } from './kernel-link.js';
import { linkCreate } from './link-create.js';
import type { AttachableProgram } from './program-ref.js';

/** Where cgroup v2 is mounted (e.g. /sys/fs/cgroup or /sys/fs/cgroup/unified). */
export function cgroup2Root(): string {
  const root = mountPointOf('cgroup2');
  if (root === undefined) throw new NotSupportedError('cgroup v2', 'no cgroup2 file system is mounted (mount -t cgroup2 none /sys/fs/cgroup)');
  return root;
}

/** A cgroup path: absolute as given, or relative to the cgroup v2 root. */
export function cgroupPath(cgroup: string): string {
  return isAbsolute(cgroup) ? cgroup : join(cgroup2Root(), cgroup);
}

/**
 * Attaches a cgroup program (cgroup_skb, cgroup/sock, cgroup/connect4,
 * sysctl, sockopt, device...) to a cgroup v2 directory through a cgroup
 * link (BPF_LINK_CREATE on the directory's fd, kernel 5.7+). `attachType`
 * is the program's expected attach type (libbpf's section table gives it).
 */
export function attachCgroup(program: AttachableProgram, cgroup: string, attachType: BpfAttachTypeName | number): KernelLink {
  const type = typeof attachType === 'number' ? attachType : BpfAttachType[attachType];
  const path = cgroupPath(cgroup);
  let dirFd: number;
  try {
    dirFd = openSync(path, constants.O_RDONLY | constants.O_DIRECTORY);
  } catch (err) {
    throw new AttachTargetError('cgroup', path, `cannot open the cgroup directory: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  try {
    const fd = linkCreate({ progFd: program.fd, target: dirFd, attachType: type });
    const name = typeof attachType === 'number' ? `attach type ${attachType}` : attachType;
    return new KernelLink('cgroup', `${path} (${name})`, { links: [fd] });
  } finally {
    // The link holds the cgroup; the directory fd is not needed past the call.
    closeSync(dirFd);
  }
}
