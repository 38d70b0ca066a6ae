import koffi, { type LibraryHandle } from 'koffi';
import { KernelUnavailableError } from '../errors.js';

/**
 * The libc functions the attach and event layers call besides bpf(): perf
 * events, ioctl, mmap, epoll, eventfd, sockets, mount, setns. Bound once,
 * lazily; every function returns what libc returns (-1 and errno on failure,
 * read with koffi.errno()).
 */
export interface Libc {
  syscall: (nr: number, ...typedArgs: unknown[]) => number | bigint;
  ioctl: (fd: number, request: number, ...typedArgs: unknown[]) => number;
  mmap: (addr: null, length: number, prot: number, flags: number, fd: number, offset: number) => unknown;
  munmap: (addr: unknown, length: number) => number;
  epoll_create1: (flags: number) => number;
  epoll_ctl: (epfd: number, op: number, fd: number, event: Uint8Array | null) => number;
  epoll_wait: EpollWait;
  eventfd: (initval: number, flags: number) => number;
  read: (fd: number, buf: Uint8Array, count: number) => number;
  write: (fd: number, buf: Uint8Array, count: number) => number;
  close: (fd: number) => number;
  socket: (domain: number, type: number, protocol: number) => number;
  socketpair: (domain: number, type: number, protocol: number, fds: Int32Array) => number;
  setsockopt: (fd: number, level: number, name: number, value: Uint8Array, length: number) => number;
  bind: (fd: number, addr: Uint8Array, length: number) => number;
  send: (fd: number, buf: Uint8Array, length: number, flags: number) => number;
  recv: (fd: number, buf: Uint8Array, length: number, flags: number) => number;
  if_nametoindex: (name: string) => number;
  mount: (source: string, target: string, fstype: string, flags: number, data: string | null) => number;
  setns: (fd: number, nstype: number) => number;
  getpagesize: () => number;
  /** Whether `pointer` (as mmap returns it) is MAP_FAILED or NULL. */
  isMapFailed: (pointer: unknown) => boolean;
}

/** epoll_wait, callable synchronously or on a libuv worker thread (`.async`). */
export interface EpollWait {
  (epfd: number, events: Uint8Array, maxEvents: number, timeoutMs: number): number;
  async: (epfd: number, events: Uint8Array, maxEvents: number, timeoutMs: number, done: (err: unknown, result: number) => void) => void;
}

let bound: Libc | undefined;

/** libc's functions; throws KernelUnavailableError off Linux or without libc. */
export function libc(): Libc {
  if (bound) return bound;
  if (process.platform !== 'linux') throw new KernelUnavailableError(`perf events and epoll exist only on Linux (this is ${process.platform})`);
  let lib: LibraryHandle;
  try {
    lib = koffi.load('libc.so.6');
  } catch (err) {
    throw new KernelUnavailableError(`cannot load libc through koffi: ${(err as Error).message}`);
  }
  const mmap = lib.func('void *mmap(void *addr, size_t length, int prot, int flags, int fd, int64_t offset)');
  bound = {
    syscall: lib.func('long syscall(long nr, ...)'),
    ioctl: lib.func('int ioctl(int fd, unsigned long request, ...)'),
    mmap,
    munmap: lib.func('int munmap(void *addr, size_t length)'),
    epoll_create1: lib.func('int epoll_create1(int flags)'),
    epoll_ctl: lib.func('int epoll_ctl(int epfd, int op, int fd, void *event)'),
    epoll_wait: lib.func('int epoll_wait(int epfd, _Out_ uint8_t *events, int maxevents, int timeout)') as unknown as EpollWait,
    eventfd: lib.func('int eventfd(unsigned int initval, int flags)'),
    read: lib.func('long read(int fd, _Out_ uint8_t *buf, size_t count)'),
    write: lib.func('long write(int fd, const uint8_t *buf, size_t count)'),
    close: lib.func('int close(int fd)'),
    socket: lib.func('int socket(int domain, int type, int protocol)'),
    socketpair: lib.func('int socketpair(int domain, int type, int protocol, _Out_ int *sv)'),
    setsockopt: lib.func('int setsockopt(int fd, int level, int name, const uint8_t *value, uint32_t length)'),
    bind: lib.func('int bind(int fd, const uint8_t *addr, uint32_t length)'),
    send: lib.func('long send(int fd, const uint8_t *buf, size_t length, int flags)'),
    recv: lib.func('long recv(int fd, _Out_ uint8_t *buf, size_t length, int flags)'),
    if_nametoindex: lib.func('unsigned int if_nametoindex(const char *name)'),
    mount: lib.func('int mount(const char *source, const char *target, const char *fstype, unsigned long flags, const char *data)'),
    setns: lib.func('int setns(int fd, int nstype)'),
    getpagesize: lib.func('int getpagesize(void)'),
    isMapFailed: (pointer) => {
      if (pointer === null) return true;
      return koffi.address(pointer) === 0xffffffffffffffffn;
    },
  } as Libc;
  return bound;
}

/** The errno of the libc call that just failed. */
export function lastErrno(): number {
  return koffi.errno();
}
