import { KernelError } from './errors.js';
import { sysClose } from './syscall.js';

/**
 * Closes, when their owner is garbage-collected without an explicit close(),
 * the fds of kernel objects: a safety net, not the way to release them.
 */
const leaked = new FinalizationRegistry<number>((fd) => {
  try {
    sysClose(fd);
  } catch {
    // Nothing can be reported from a finalizer; the fd is gone either way.
  }
});

/** A file descriptor of a kernel object (map, program, BTF, link), closed exactly once. */
export class OwnedFd {
  private current: number;

  constructor(fd: number, readonly what: string) {
    this.current = fd;
    leaked.register(this, fd, this);
  }

  /** The fd number; throws once closed. */
  get fd(): number {
    if (this.current < 0) throw new KernelError(this.what, 9 /* EBADF */, 'already closed');
    return this.current;
  }

  get closed(): boolean {
    return this.current < 0;
  }

  close(): void {
    if (this.current < 0) return;
    const fd = this.current;
    this.current = -1;
    leaked.unregister(this);
    sysClose(fd);
  }
}
