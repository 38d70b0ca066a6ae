import { patchProperty } from '../uprobes/patch-property.js';
import { isIpcChannel } from './ipc-channel.js';
import { streamBinding, type UvHandle } from './stream-binding.js';
import type { SyscallPair } from './syscall-pair.js';

/** libuv never closes stdin, stdout or stderr (uv__stream_close). */
const STDERR_FILENO = 2;

/**
 * sys_enter_close / sys_exit_close for sockets and pipes: HandleWrap's
 * close() (socket.destroy(), server.close()), where libuv closes the
 * descriptor synchronously (uv_close); ret 0. Handles without a descriptor
 * (timers, signals, child processes) are left out. No-op on a Node without
 * these internals.
 */
export function installSocketClose(pair: SyscallPair): () => void {
  const b = streamBinding();
  if (!b || typeof b.handle.close !== 'function') return () => {};
  const { enter, exit } = pair;
  return patchProperty(b.handle, 'close', 'HandleWrap close', (original) => function (this: UvHandle, ...args: unknown[]) {
    const fd = this.fd;
    if (typeof fd !== 'number' || fd <= STDERR_FILENO || isIpcChannel(fd)) return Reflect.apply(original, this, args);
    if (enter.active) enter.fireEnter(() => [fd]);
    const result = Reflect.apply(original, this, args);
    if (exit.active) exit.fireExit(0);
    return result;
  });
}
