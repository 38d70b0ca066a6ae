// Errno numbers and names of this layer (generated into src/uapi/errno.ts).
import { Errno } from '../uapi/errno.js';

export { errnoName } from '../uapi/errno-name.js';

/** Errno numbers used by name in this layer. */
export const {
  EPERM, ENOENT, EINTR, EBADF, EAGAIN, EACCES, EEXIST, ENODEV, EINVAL, ENOSPC, ENOSYS, ENOTSOCK, EOPNOTSUPP,
} = Errno;
