import koffi from 'koffi';

/**
 * Errno numbers the kernel returns that libc's table lacks (kernel-internal
 * codes that leak out of bpf(), e.g. ENOTSUPP for an unsupported feature).
 */
const KERNEL_ONLY: ReadonlyMap<number, string> = new Map([
  [512, 'ERESTARTSYS'],
  [524, 'ENOTSUPP'],
]);

let names: Map<number, string> | undefined;

/** The symbolic name of an errno value (`EPERM`, `E2BIG`...), or `errno N`. */
export function errnoName(errno: number): string {
  if (!names) {
    names = new Map(KERNEL_ONLY);
    // Sorted so that of two aliases (EAGAIN/EWOULDBLOCK) the same one always wins.
    for (const [name, value] of Object.entries(koffi.os.errno).sort(([a], [b]) => a.localeCompare(b))) {
      if (!names.has(value)) names.set(value, name);
    }
  }
  return names.get(errno) ?? `errno ${errno}`;
}

/** Errno numbers used by name in this layer (Linux values, as in asm-generic/errno-base.h). */
export const EPERM = 1;
export const ENOENT = 2;
export const EINTR = 4;
export const EAGAIN = 11;
export const EACCES = 13;
export const EINVAL = 22;
export const ENOSPC = 28;
export const ENOSYS = 38;
