import { installClose, installOpenat, installRead, installWrite } from './fs-syscalls.js';
import { installAccept4, installConnect } from './net-syscalls.js';
import { SyscallPair } from './syscall-pair.js';
import type { SyscallTracepoint } from './syscall-tracepoint.js';

/** The system calls tsbpf traces, x86-64 numbers, and what feeds them. */
const DEFS: ReadonlyArray<[string, number, (pair: SyscallPair) => () => void]> = [
  ['read', 0, installRead],
  ['write', 1, installWrite],
  ['close', 3, installClose],
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
