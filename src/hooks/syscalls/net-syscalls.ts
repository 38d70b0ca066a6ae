import type { Socket } from 'node:net';
import { sockaddrOf } from '../ctx/sockaddr.js';
import { subscribe } from '../tracepoints/node-tracepoint-def.js';
import { patchProperty } from '../uprobes/patch-property.js';
import type { SyscallPair } from './syscall-pair.js';

type AnyFunction = (...args: unknown[]) => unknown;

/** accept4 flags libuv passes. */
const SOCK_NONBLOCK = 0o4000;
const SOCK_CLOEXEC = 0o2000000;

interface TcpHandle { readonly fd?: number }
interface TcpWrap { TCP: { prototype: Record<string, unknown> } }

let tcpWrap: TcpWrap | null = null;

/** Node's internal TCP binding, whose connect() every TCP client (net, http, fetch) goes through. */
function tcpBinding(): TcpWrap {
  if (!tcpWrap) {
    const get = (process as unknown as { binding(name: string): unknown }).binding;
    tcpWrap = get.call(process, 'tcp_wrap') as TcpWrap;
  }
  return tcpWrap;
}

/**
 * sys_enter_connect / sys_exit_connect: TCP connects. args: fd (-1 while
 * libuv has not created the socket yet), a struct sockaddr_in or
 * sockaddr_in6 in user memory, its length. The exit fires when the
 * connection completes, with 0 or -errno (the kernel's non-blocking
 * connect() returns -EINPROGRESS first; Node never sees that).
 */
export function installConnect(pair: SyscallPair): () => void {
  const proto = tcpBinding().TCP.prototype;
  const { enter, exit } = pair;
  const connect = (original: AnyFunction): AnyFunction => function (this: TcpHandle, ...args: unknown[]) {
    const [req, address, port] = args as [{ oncomplete?: AnyFunction }, string, number];
    if (enter.active) {
      const fd = this.fd ?? -1;
      enter.fireEnter(() => {
        const sa = sockaddrOf(address, port);
        return [fd, { bytes: sa }, sa.length];
      });
    }
    if (exit.active && req && typeof req.oncomplete === 'function') {
      const oncomplete = req.oncomplete;
      req.oncomplete = function (this: unknown, status: unknown, ...rest: unknown[]): unknown {
        req.oncomplete = oncomplete;
        try { exit.fireExit(typeof status === 'number' ? status : 0); } catch { /* never into the host */ }
        return Reflect.apply(oncomplete, this, [status, ...rest]);
      };
    }
    return Reflect.apply(original, this, args);
  };
  const undos = ['connect', 'connect6']
    .filter((name) => typeof proto[name] === 'function')
    .map((name) => patchProperty(proto, name, `tcp_wrap ${name}`, connect));
  return () => { for (const u of undos.reverse()) u(); };
}

/**
 * sys_enter_accept4 / sys_exit_accept4: connections a server accepts (from
 * net.server.socket, after libuv's accept4): args: the listening fd, the
 * peer's sockaddr and its length in user memory, the flags; ret: the new fd.
 */
export function installAccept4(pair: SyscallPair): () => void {
  const { enter, exit } = pair;
  return subscribe('net.server.socket', (message) => {
    const socket = (message as { socket: Socket & { _handle?: TcpHandle; server?: { _handle?: TcpHandle } } }).socket;
    if (enter.active) {
      enter.fireEnter(() => {
        const sa = sockaddrOf(socket.remoteAddress ?? '0.0.0.0', socket.remotePort ?? 0);
        const len = new Uint8Array(4);
        new DataView(len.buffer).setInt32(0, sa.length, true);
        return [socket.server?._handle?.fd ?? -1, { bytes: sa }, { bytes: len }, SOCK_NONBLOCK | SOCK_CLOEXEC];
      });
    }
    if (exit.active) exit.fireExit(socket._handle?.fd ?? -1);
  });
}
