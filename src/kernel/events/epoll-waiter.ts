import { EEXIST, ENOENT } from '../errno.js';
import { KernelError } from '../errors.js';
import { libc, lastErrno } from '../libc/libc.js';

const EPOLL_CLOEXEC = 0o2000000;
const EFD_CLOEXEC = 0o2000000;
const EFD_NONBLOCK = 0o4000;
const EPOLL_CTL_ADD = 1;
const EPOLL_CTL_DEL = 2;
const EPOLL_CTL_MOD = 3;
const EPOLLIN = 0x1;
const EPOLLONESHOT = 1 << 30;
const MAX_EVENTS = 64;
/** struct epoll_event is packed on x86-64 (12 bytes), naturally aligned elsewhere (16). */
const EVENT_SIZE = process.arch === 'x64' ? 12 : 16;
const DATA_OFFSET = process.arch === 'x64' ? 4 : 8;
/** epoll data of the eventfd that interrupts a wait. */
const WAKE_TOKEN = 0xffffffffn;

/**
 * One epoll set for the whole process, waited on by at most one
 * epoll_wait(-1) in flight on a libuv worker thread (koffi's async calls),
 * so no JavaScript thread blocks and nothing polls: ring buffer and perf
 * buffer readers ask `readable(fd)` and get a promise that settles when the
 * kernel wakes the fd. Each fd is armed one-shot (EPOLLONESHOT), so a reader
 * that stops reading costs nothing. When nothing is waited on, an eventfd
 * ends the wait in flight, the worker thread is released and the process
 * can exit.
 */
class EpollWaiter {
  private epfd = -1;
  private wakeFd = -1;
  private readonly registered = new Set<number>();
  private readonly pending = new Map<number, { promise: Promise<void>; resolve: () => void }>();
  private inFlight = false;
  private readonly events = new Uint8Array(EVENT_SIZE * MAX_EVENTS);

  /** Settles when `fd` is readable (or when remove(fd) is called). */
  readable(fd: number): Promise<void> {
    const existing = this.pending.get(fd);
    if (existing) return existing.promise;
    this.open();
    this.control(this.registered.has(fd) ? EPOLL_CTL_MOD : EPOLL_CTL_ADD, fd, EPOLLIN | EPOLLONESHOT, BigInt(fd));
    this.registered.add(fd);
    let resolve!: () => void;
    const promise = new Promise<void>((r) => { resolve = r; });
    this.pending.set(fd, { promise, resolve });
    this.pump();
    return promise;
  }

  /** Stops watching `fd` (call before closing it); a pending readable(fd) settles. */
  remove(fd: number): void {
    if (this.registered.delete(fd)) {
      if (libc().epoll_ctl(this.epfd, EPOLL_CTL_DEL, fd, null) !== 0 && lastErrno() !== ENOENT) {
        throw new KernelError('epoll_ctl(EPOLL_CTL_DEL)', lastErrno(), `fd ${fd}`);
      }
    }
    const waiter = this.pending.get(fd);
    this.pending.delete(fd);
    waiter?.resolve();
    if (this.pending.size === 0 && this.inFlight) this.interrupt();
  }

  private open(): void {
    if (this.epfd >= 0) return;
    const c = libc();
    const epfd = c.epoll_create1(EPOLL_CLOEXEC);
    if (epfd < 0) throw new KernelError('epoll_create1', lastErrno());
    const wakeFd = c.eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    if (wakeFd < 0) {
      const errno = lastErrno();
      c.close(epfd);
      throw new KernelError('eventfd', errno);
    }
    this.epfd = epfd;
    this.wakeFd = wakeFd;
    this.control(EPOLL_CTL_ADD, wakeFd, EPOLLIN, WAKE_TOKEN);
  }

  private control(op: number, fd: number, events: number, data: bigint): void {
    const event = new Uint8Array(EVENT_SIZE);
    const v = new DataView(event.buffer);
    v.setUint32(0, events >>> 0, true);
    v.setBigUint64(DATA_OFFSET, data, true);
    if (libc().epoll_ctl(this.epfd, op, fd, event) === 0) return;
    const errno = lastErrno();
    // A fd closed and reopened under the same number is no longer in the set: add it again.
    if (op === EPOLL_CTL_MOD && errno === ENOENT) return this.control(EPOLL_CTL_ADD, fd, events, data);
    if (op === EPOLL_CTL_ADD && errno === EEXIST) return this.control(EPOLL_CTL_MOD, fd, events, data);
    throw new KernelError(op === EPOLL_CTL_ADD ? 'epoll_ctl(EPOLL_CTL_ADD)' : 'epoll_ctl(EPOLL_CTL_MOD)', errno, `fd ${fd}`);
  }

  /** Starts an epoll_wait on a worker thread when someone waits and none is in flight. */
  private pump(): void {
    if (this.inFlight || this.pending.size === 0) return;
    this.inFlight = true;
    libc().epoll_wait.async(this.epfd, this.events, MAX_EVENTS, -1, (err, count) => {
      this.inFlight = false;
      if (err === null && count > 0) this.dispatch(count);
      // EINTR (a signal) or an error: wait again if anyone still waits.
      this.pump();
    });
  }

  private dispatch(count: number): void {
    const v = new DataView(this.events.buffer);
    for (let i = 0; i < count; i++) {
      const token = v.getBigUint64(i * EVENT_SIZE + DATA_OFFSET, true);
      if (token === WAKE_TOKEN) {
        libc().read(this.wakeFd, new Uint8Array(8), 8);
        continue;
      }
      const fd = Number(token);
      const waiter = this.pending.get(fd);
      this.pending.delete(fd);
      waiter?.resolve();
    }
  }

  private interrupt(): void {
    const one = new Uint8Array(8);
    one[0] = 1;
    libc().write(this.wakeFd, one, 8);
  }
}

let waiter: EpollWaiter | undefined;

/** The process's epoll waiter. */
export function epollWaiter(): EpollWaiter {
  waiter ??= new EpollWaiter();
  return waiter;
}

export type { EpollWaiter };
