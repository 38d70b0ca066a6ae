// Linux errno values that map operations and helpers return (negated, as the kernel does).

export const EPERM = 1;
export const ENOENT = 2;
export const E2BIG = 7;
export const EBADF = 9;
export const EAGAIN = 11;
export const ENOMEM = 12;
export const EACCES = 13;
export const EFAULT = 14;
export const EBUSY = 16;
export const EEXIST = 17;
export const ENODEV = 19;
export const EINVAL = 22;
export const ENOSPC = 28;
export const ERANGE = 34;
export const ELOOP = 40;
export const EOPNOTSUPP = 95;
/** The kernel-internal "not supported" (524), which bpf() passes to user space as is. */
export const ENOTSUPP = 524;

const names: Record<number, string> = {
  [EPERM]: 'EPERM', [ENOENT]: 'ENOENT', [E2BIG]: 'E2BIG', [EBADF]: 'EBADF', [EAGAIN]: 'EAGAIN',
  [ENOMEM]: 'ENOMEM', [EACCES]: 'EACCES', [EFAULT]: 'EFAULT', [EBUSY]: 'EBUSY', [EEXIST]: 'EEXIST',
  [ENODEV]: 'ENODEV', [EINVAL]: 'EINVAL', [ENOSPC]: 'ENOSPC', [ERANGE]: 'ERANGE', [ELOOP]: 'ELOOP',
  [EOPNOTSUPP]: 'EOPNOTSUPP', [ENOTSUPP]: 'ENOTSUPP',
};

/** `E2BIG` for 7 (or -7); `errno N` for values without a name here. */
export function errnoName(errno: number): string {
  return names[Math.abs(errno)] ?? `errno ${Math.abs(errno)}`;
}
