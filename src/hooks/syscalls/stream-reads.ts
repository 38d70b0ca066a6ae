import { patchProperty } from '../uprobes/patch-property.js';
import { activeHandleOwners, handleOf } from './active-handles.js';
import { isIpcChannel } from './ipc-channel.js';
import { streamBinding, type StreamBinding, type UvHandle } from './stream-binding.js';
import type { SyscallPair } from './syscall-pair.js';

type AnyFunction = (...args: unknown[]) => unknown;

/** What libuv asks for per read(2) of a stream (uv__read's 64 KiB; Node allocates exactly that). */
export const STREAM_READ_SIZE = 64 * 1024;
/** libuv's end of file; read(2) returned 0. */
const UV_EOF = -4095;

/**
 * One read(2) of a socket or pipe, reported when libuv hands its result to
 * Node: sys_enter_read (fd, buf 0: the data is not there at entry, count:
 * the buffer size asked for), then sys_exit_read (bytes read, 0 at end of
 * file, or -errno).
 */
export function fireRead(pair: SyscallPair, fd: number, count: number, ret: number): void {
  if (pair.enter.active) pair.enter.fireEnter(() => [fd, 0, count]);
  if (pair.exit.active) pair.exit.fireExit(ret);
}

const ORIGINAL = Symbol('tsbpf: the traced onread');

type TracedOnread = AnyFunction & { [ORIGINAL]?: AnyFunction };

let tracing: SyscallPair | null = null;
/** Sockets reading into a buffer of their own (net's `onread: { buffer }`): its size is read(2)'s count. */
const userBuffers = new WeakMap<object, number>();

/**
 * The handle's onread callback, reporting each read first. Once tracing
 * stops, the next read puts the handle's own callback back.
 */
function tracedOnread(b: StreamBinding, onread: AnyFunction): TracedOnread {
  const wrapper: TracedOnread = function (this: UvHandle, ...args: unknown[]): unknown {
    const pair = tracing;
    if (pair === null) {
      this.onread = onread;
    } else {
      try {
        const nread = b.state[b.kReadBytesOrError];
        const fd = this.fd ?? -1;
        if (!isIpcChannel(fd)) fireRead(pair, fd, userBuffers.get(this) ?? STREAM_READ_SIZE, nread === UV_EOF ? 0 : nread);
      } catch { /* tracing never breaks the read it traces */ }
    }
    return Reflect.apply(onread, this, args);
  };
  wrapper[ORIGINAL] = onread;
  return wrapper;
}

/** Makes the handle report its reads (once: a traced callback stays as it is). */
function traceHandle(b: StreamBinding, handle: UvHandle): void {
  try {
    const onread = handle.onread as TracedOnread | undefined;
    if (typeof onread === 'function' && onread[ORIGINAL] === undefined && !isIpcChannel(handle.fd ?? -1)) handle.onread = tracedOnread(b, onread);
  } catch { /* not traced, still read */ }
}

/**
 * sys_enter_read / sys_exit_read for TCP sockets, Unix sockets, pipes and
 * TTYs: net.Socket's reads reach JavaScript through the handle's `onread`
 * (the byte count in streamBaseState[kReadBytesOrError]), which is wrapped
 * for the sockets open now (those that keep the process alive) and for
 * each socket that starts reading (readStart()) or is ref'd again (an
 * http.Agent reusing a kept-alive socket) while traced. An unref'd socket
 * that was open before is seen from its next readStart() or ref(). No-op on
 * a Node without these internals.
 */
export function installStreamReads(pair: SyscallPair): () => void {
  const b = streamBinding();
  if (!b) return () => {};
  tracing = pair;
  const tracingFirst = (original: AnyFunction): AnyFunction => function (this: UvHandle, ...args: unknown[]) {
    traceHandle(b, this);
    return Reflect.apply(original, this, args);
  };
  const undos = [patchProperty(b.stream, 'readStart', 'LibuvStreamWrap readStart', tracingFirst)];
  if (typeof b.handle.ref === 'function') undos.push(patchProperty(b.handle, 'ref', 'HandleWrap ref', tracingFirst));
  if (typeof b.stream.useUserBuffer === 'function') {
    undos.push(patchProperty(b.stream, 'useUserBuffer', 'LibuvStreamWrap useUserBuffer', (original) => function (this: UvHandle, ...args: unknown[]) {
      const buf = args[0];
      if (ArrayBuffer.isView(buf)) userBuffers.set(this, buf.byteLength);
      return Reflect.apply(original, this, args);
    }));
  }
  for (const owner of activeHandleOwners()) {
    const handle = handleOf(owner);
    if (handle) traceHandle(b, handle as UvHandle);
  }
  return () => {
    tracing = null;
    for (const u of undos.reverse()) u();
  };
}
