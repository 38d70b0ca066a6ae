import type { Socket } from 'node:net';
import { sockaddrOf } from '../ctx/sockaddr.js';
import { subscribe } from '../tracepoints/node-tracepoint-def.js';
import { patchProperty } from '../uprobes/patch-property.js';
import { sockaddrUn } from './sockaddr-un.js';
import { methodsOf, streamBinding } from './stream-binding.js';
import type { SyscallPair } from './syscall-pair.js';

type AnyFunction = (...args: unknown[]) => unknown;

/** accept4 flags libuv passes. */
const SOCK_NONBLOCK = 0o4000;
const SOCK_CLOEXEC = 0o2000000;

interface TcpHandle { readonly fd?: number }

/** The sockaddr a connect call's arguments (req, address[, port]) name, and its length. */
type ConnectArgs = (args: unknown[]) => { bytes: Uint8Array; length: number };

const tcpAddress: ConnectArgs = (args) => {
  const sa = sockaddrOf(String(args[1]), Number(args[2]));
  return { bytes: sa, length: sa.length };
};
const pipeAddress: ConnectArgs = (args) => sockaddrUn(String(args[1]));

/**
 * sys_enter_connect / sys_exit_connect: TCP connects (net, http, fetch) and
 * Unix-socket connects. args: the socket's fd, a struct sockaddr_in,
 * sockaddr_in6 or sockaddr_un in user memory, its length. libuv creates
 * the socket inside uv_tcp_connect / uv_pipe_connect, synchronously, so
 * the enter fires right after Node's connect call returns, with the new
 * descriptor (the connection is still in progress then). The exit fires
 * when the connection completes, with 0 or -errno, or at once with the
 * error when the call fails synchronously (the kernel's non-blocking
 * connect() returns -EINPROGRESS first; Node never sees that).
 */
export function installConnect(pair: SyscallPair): () => void {
  const b = streamBinding();
  if (!b) return () => {};
  const { enter, exit } = pair;
  const connect = (address: ConnectArgs) => (original: AnyFunction): AnyFunction => function (this: TcpHandle, ...args: unknown[]) {
    if (!enter.active && !exit.active) return Reflect.apply(original, this, args);
    const req = args[0] as { oncomplete?: unknown } | null;
    const oncomplete = exit.active && req && typeof req.oncomplete === 'function' ? req.oncomplete : null;
    if (req && oncomplete) {
      req.oncomplete = function (this: unknown, status: unknown, ...rest: unknown[]): unknown {
        req.oncomplete = oncomplete;
        exit.fireExit(typeof status === 'number' ? status : 0);
        return Reflect.apply(oncomplete, this, [status, ...rest]);
      };
    }
    let err: unknown;
    try {
      err = Reflect.apply(original, this, args);
    } catch (e) {
      if (req && oncomplete) req.oncomplete = oncomplete;
      throw e;
    }
    if (enter.active) {
      const fd = this.fd ?? -1;
      enter.fireEnter(() => {
        const sa = address(args);
        return [fd, { bytes: sa.bytes }, sa.length];
      });
    }
    if (typeof err === 'number' && err < 0) {
      if (req && oncomplete) req.oncomplete = oncomplete;
      if (exit.active) exit.fireExit(err);
    }
    return err;
  };
  const undos = [
    ...methodsOf(b.tcp, ['connect', 'connect6']).map((name) => patchProperty(b.tcp, name, `tcp_wrap ${name}`, connect(tcpAddress))),
    ...(b.pipe ? methodsOf(b.pipe, ['connect']).map((name) => patchProperty(b.pipe!, name, `pipe_wrap ${name}`, connect(pipeAddress))) : []),
  ];
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
