import { EBADF, ENOENT, ENOTSOCK } from '../errno.js';
import { KernelError } from '../errors.js';
import { libc, lastErrno } from '../libc/libc.js';
import { BpfProgType } from '../uapi.js';
import { KernelLink } from './kernel-link.js';
import { requireProgramType, type AttachableProgram } from './program-ref.js';

const SOL_SOCKET = 1;
const SO_ATTACH_BPF = 50;
const SO_DETACH_BPF = 27;

function setIntOption(fd: number, name: number, value: number, what: string): void {
  const bytes = new Uint8Array(new Int32Array([value]).buffer);
  if (libc().setsockopt(fd, SOL_SOCKET, name, bytes, 4) !== 0) throw new KernelError(`setsockopt(${what})`, lastErrno(), `socket fd ${fd}`);
}

/**
 * Attaches a BPF_PROG_TYPE_SOCKET_FILTER program to socket `socketFd`
 * (SO_ATTACH_BPF): it sees every packet the socket receives, and its return
 * value is how many bytes to keep (0 drops). close() detaches it
 * (SO_DETACH_BPF) unless the socket is already closed.
 */
export function attachSocketFilter(program: AttachableProgram, socketFd: number): KernelLink {
  requireProgramType(program, 'a socket filter', BpfProgType.BPF_PROG_TYPE_SOCKET_FILTER);
  setIntOption(socketFd, SO_ATTACH_BPF, program.fd, 'SO_ATTACH_BPF');
  const release = (): void => {
    try {
      setIntOption(socketFd, SO_DETACH_BPF, 0, 'SO_DETACH_BPF');
    } catch (err) {
      // The socket went first (its filter with it), or another detach already ran.
      if (err instanceof KernelError && ([EBADF, ENOTSOCK, ENOENT] as number[]).includes(err.errno)) return;
      throw err;
    }
  };
  return new KernelLink('socket_filter', `socket fd ${socketFd}`, { release });
}
