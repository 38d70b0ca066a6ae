import { installClose, installOpenat, installRead, installWrite } from './fs-syscalls.js';
import { installHttpParserReads } from './http-parser-reads.js';
import { installAccept4, installConnect } from './net-syscalls.js';
import { installSocketClose } from './socket-close.js';
import { installStreamReads } from './stream-reads.js';
import { installStreamWrites } from './stream-writes.js';
import { SyscallPair } from './syscall-pair.js';
import type { SyscallTracepoint } from './syscall-tracepoint.js';

type Install = (pair: SyscallPair) => () => void;

/** Installs every source of one system call; the undo takes them out in reverse (and so does a failed install). */
const all = (...installs: Install[]) => (pair: SyscallPair): () => void => {
  const undos: Array<() => void> = [];
  const undo = (): void => { for (const u of undos.splice(0).reverse()) u(); };
  try {
    for (const install of installs) undos.push(install(pair));
  } catch (err) {
    undo();
    throw err;
  }
  return undo;
};

/**
 * The system calls tsbpf traces, x86-64 numbers, and what feeds them
 * (args as the kernel's sys_enter_<name> has them; ret >= 0 or -errno):
 *
 * - read (fd, buf, count): files: fs's binding read/readBuffers, buf 0
 *   (fs-syscalls.ts). Sockets, pipes, TTYs: the handle's onread
 *   (stream-reads.ts) and, for http servers, the C++ parser's kOnExecute
 *   (http-parser-reads.ts); enter and exit fire together when the data has
 *   arrived: buf 0, count the 64 KiB libuv asks for, ret the bytes, 0 at EOF.
 * - write (fd, buf, count): files: fs's writeBuffer/writeString/writeBuffers;
 *   sockets: LibuvStreamWrap's writeBuffer/writev/write*String
 *   (stream-writes.ts), buf the bytes (first 4 KiB), ret when libuv is done.
 * - close (fd): fs.close, FileHandle.close(); HandleWrap.close() of sockets
 *   and pipes (socket-close.ts).
 * - connect (fd, uservaddr, addrlen): TCP and Unix sockets (net-syscalls.ts).
 * - openat (dfd, filename, flags, mode): fs's open/openFileHandle.
 * - accept4 (fd, peer sockaddr, its length, flags): net.server.socket.
 *
 * The IPC channel to a parent is left out (ipc-channel.ts), and so are
 * worker threads: each has bindings of its own.
 */
const DEFS: ReadonlyArray<[string, number, Install]> = [
  ['read', 0, all(installRead, installStreamReads, installHttpParserReads)],
  ['write', 1, all(installWrite, installStreamWrites)],
  ['close', 3, all(installClose, installSocketClose)],
  ['connect', 42, installConnect],
  ['openat', 257, installOpenat],
  ['accept4', 288, installAccept4],
];

const pairs = new Map<string, SyscallPair>();

function pairOf(name: string): SyscallPair | undefined {
  let pair = pairs.get(name);
  if (!pair) {
    const def = DEFS.find((d) => d[0] === name);
    if (!def) return undefined;
    pairs.set(name, (pair = new SyscallPair(def[0], def[1], def[2])));
  }
  return pair;
}

/** Every `tracepoint/syscalls/...` name tsbpf has. */
export const SYSCALL_TRACEPOINTS: readonly string[] = DEFS.flatMap(([n]) => [`sys_enter_${n}`, `sys_exit_${n}`]);

/** The hook of `tracepoint/syscalls/sys_enter_<name>` or `sys_exit_<name>`, or undefined. */
export function syscallTracepoint(name: string): SyscallTracepoint | undefined {
  const m = /^sys_(enter|exit)_(\w+)$/.exec(name);
  if (!m) return undefined;
  const pair = pairOf(m[2]);
  return pair && (m[1] === 'enter' ? pair.enter : pair.exit);
}
