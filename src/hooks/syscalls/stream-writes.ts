import { patchProperty } from '../uprobes/patch-property.js';
import { isIpcChannel } from './ipc-channel.js';
import { methodsOf, streamBinding, type StreamBinding, type UvHandle } from './stream-binding.js';
import { bufferWrite, STRING_WRITES, stringWrite, writevWrite, type WriteData } from './stream-chunks.js';
import type { SyscallPair } from './syscall-pair.js';
import { USER_MEMORY_BYTES } from './syscall-tracepoint.js';

type AnyFunction = (...args: unknown[]) => unknown;

/** The result of a write the binding refused with an exception (bad arguments): no system call was made. */
const EINVAL = 22;

/** Runs one write and fires sys_exit_write when its result is known: now, or when libuv completes it. */
function writeThenExit(b: StreamBinding, pair: SyscallPair, original: AnyFunction, self: UvHandle, args: unknown[]): unknown {
  const { exit } = pair;
  let err: unknown;
  try {
    err = Reflect.apply(original, self, args);
  } catch (e) {
    exit.fireExit(-EINVAL);
    throw e;
  }
  if (typeof err === 'number' && err < 0) {
    exit.fireExit(err);
    return err;
  }
  // Read before anything else runs: the next write overwrites them.
  const bytes = b.state[b.kBytesWritten];
  if (b.state[b.kLastWriteWasAsync] === 0) {
    exit.fireExit(bytes);
    return err;
  }
  const req = args[0] as { oncomplete?: unknown } | null;
  const oncomplete = req?.oncomplete;
  if (req && typeof oncomplete === 'function') {
    req.oncomplete = function (this: unknown, status: unknown, ...rest: unknown[]): unknown {
      req.oncomplete = oncomplete;
      exit.fireExit(typeof status === 'number' && status < 0 ? status : bytes);
      return Reflect.apply(oncomplete, this, [status, ...rest]);
    };
  }
  return err;
}

/**
 * sys_enter_write / sys_exit_write for TCP sockets, Unix sockets, pipes and
 * TTYs (every net.Socket write: http, fetch's sockets, process.stdout on a
 * pipe): args fd, the bytes written in user memory (their first 4 KiB) and
 * their count. A writev() of several chunks (the kernel's sys_enter_writev)
 * is reported as one write of the chunks joined. The exit's ret is the
 * count or -errno: when libuv wrote everything at once, right after the
 * call; otherwise (the rest queued until the socket is writable) when the
 * write completes. No-op on a Node without these internals.
 */
export function installStreamWrites(pair: SyscallPair): () => void {
  const b = streamBinding();
  if (!b) return () => {};
  const { enter, exit } = pair;
  const writer = (data: (args: unknown[]) => WriteData) => (original: AnyFunction): AnyFunction => function (this: UvHandle, ...args: unknown[]) {
    const fd = this.fd ?? -1;
    if (isIpcChannel(fd)) return Reflect.apply(original, this, args);
    if (enter.active) {
      enter.fireEnter(() => {
        const d = data(args);
        return [fd, { bytes: d.head }, d.count];
      });
    }
    if (!exit.active) return Reflect.apply(original, this, args);
    return writeThenExit(b, pair, original, this, args);
  };
  const limit = USER_MEMORY_BYTES;
  const writers = new Map<string, (args: unknown[]) => WriteData>([
    ['writeBuffer', (a) => bufferWrite(a[1] as ArrayBufferView, limit)],
    ['writev', (a) => writevWrite(a[1] as unknown[], a[2] === true, limit)],
    ...STRING_WRITES.map(([name, encoding]) => [name, (a: unknown[]) => stringWrite(String(a[1]), encoding, limit)] as const),
  ]);
  const undos = methodsOf(b.stream, [...writers.keys()])
    .map((name) => patchProperty(b.stream, name, `LibuvStreamWrap ${name}`, writer(writers.get(name)!)));
  return () => { for (const u of undos.reverse()) u(); };
}
