// Linux errno values that map operations and helpers return (negated, as the kernel does);
// generated into src/uapi/errno.ts.
import { Errno } from '../uapi/errno.js';
import { KernelErrno } from '../uapi/errno-name.js';

export const {
  EPERM, ENOENT, E2BIG, EBADF, EAGAIN, ENOMEM, EACCES, EFAULT, EBUSY, EEXIST, ENODEV, EINVAL, ENOSPC, ERANGE, ELOOP,
  EOPNOTSUPP,
} = Errno;
/** The kernel-internal "not supported" (524), which bpf() passes to user space as is. */
export const { ENOTSUPP } = KernelErrno;
export { errnoName } from '../uapi/errno-name.js';
