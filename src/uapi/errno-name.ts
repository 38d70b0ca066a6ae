import { Errno } from './errno.js';

/**
 * Kernel-internal errno values (include/linux/errno.h, in no uapi header)
 * that bpf() and the kernel's helpers pass to user space as they are.
 */
export const KernelErrno = {
  ERESTARTSYS: 512,
  /** "Not supported" of the kernel's own code (distinct from EOPNOTSUPP, 95). */
  ENOTSUPP: 524,
} as const;

let names: Map<number, string> | undefined;

/** `E2BIG` for 7 (or -7, as helpers return it); `errno N` for a value without a name. */
export function errnoName(errno: number): string {
  if (!names) {
    names = new Map();
    // An alias (EWOULDBLOCK) follows its target (EAGAIN), so the first name wins.
    for (const [name, value] of [...Object.entries(Errno), ...Object.entries(KernelErrno)]) {
      if (!names.has(value)) names.set(value, name);
    }
  }
  const n = Math.abs(errno);
  return names.get(n) ?? `errno ${n}`;
}
