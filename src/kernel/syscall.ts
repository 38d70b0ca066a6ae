import koffi from 'koffi';
import { EAGAIN, EINTR } from './errno.js';
import { KernelError, KernelUnavailableError } from './errors.js';
import { BpfCmd, enumName } from './uapi.js';
import type { BpfAttr } from './bpf-attr.js';

/** __NR_bpf per architecture (the kernel's syscall tables). */
const NR_BPF: Readonly<Record<string, number>> = { x64: 321, arm64: 280, ia32: 357, riscv64: 280, loong64: 280, ppc64: 361 };

interface Libc {
  syscall: (nr: number, ...typedArgs: unknown[]) => number | bigint;
  close: (fd: number) => number;
  nr: number;
}

let libc: Libc | undefined;
let libcFailure: string | undefined;

/** Binds libc's syscall() and close() once; throws KernelUnavailableError where that cannot work. */
function bindLibc(): Libc {
  if (libc) return libc;
  if (libcFailure) throw new KernelUnavailableError(libcFailure);
  if (process.platform !== 'linux') libcFailure = `bpf() exists only on Linux (this is ${process.platform})`;
  else if (NR_BPF[process.arch] === undefined) libcFailure = `no bpf() syscall number known for ${process.arch}`;
  else {
    try {
      const lib = koffi.load('libc.so.6');
      libc = {
        syscall: lib.func('long syscall(long nr, ...)'),
        close: lib.func('int close(int fd)'),
        nr: NR_BPF[process.arch],
      };
      return libc;
    } catch (err) {
      libcFailure = `cannot load libc through koffi: ${(err as Error).message}`;
    }
  }
  throw new KernelUnavailableError(libcFailure);
}

/**
 * bpf(cmd, &attr, sizeof(attr)). Returns the kernel's non-negative result (an
 * fd for the commands that create objects, 0 otherwise); throws KernelError
 * with the errno when it returns -1. EINTR is retried, and EAGAIN when asked
 * (BPF_PROG_LOAD returns it when the verifier was interrupted).
 */
export function sysBpf(cmd: number, attr: BpfAttr, retryEagain = false): number {
  const { syscall, nr } = bindLibc();
  for (let attempt = 0; ; attempt++) {
    // The addresses written into attr stay valid: attr holds the buffers alive until it is dropped.
    const ret = Number(syscall(nr, 'int', cmd, 'void *', attr.bytes, 'uint', attr.bytes.length));
    if (ret >= 0) return ret;
    const errno = koffi.errno();
    if (errno === EINTR || (retryEagain && errno === EAGAIN && attempt < 5)) continue;
    throw new KernelError(enumName(BpfCmd, cmd), errno);
  }
}

/** close(fd); errors other than EINTR are reported as KernelError('close'). */
export function sysClose(fd: number): void {
  const { close } = bindLibc();
  if (close(fd) !== 0) {
    const errno = koffi.errno();
    if (errno !== EINTR) throw new KernelError('close', errno, `fd ${fd}`);
  }
}

/** Whether libc's syscall() can be bound here, and why not. */
export function libcStatus(): { ok: true } | { ok: false; reason: string } {
  try {
    bindLibc();
    return { ok: true };
  } catch (err) {
    return { ok: false, reason: (err as Error).message };
  }
}
