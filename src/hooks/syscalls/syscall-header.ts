import type { HeaderSpec } from '../ctx/c-header.js';
import { SYS_ENTER, SYS_EXIT } from './syscall-structs.js';

/** include/tsbpf/syscalls.h: the records of `tracepoint/syscalls/sys_enter_*` and `sys_exit_*`. */
export const SYSCALLS_HEADER: HeaderSpec = {
  file: 'syscalls.h',
  title: 'Records of tsbpf\'s syscall tracepoints, the kernel\'s layouts: SEC("tracepoint/syscalls/sys_enter_openat")\n'
    + ' * gets a struct trace_event_raw_sys_enter (args[1] points to the path), sys_exit_* a trace_event_raw_sys_exit.',
  structs: [SYS_ENTER, SYS_EXIT],
  defines: [
    ['TSBPF_NR_read', '0'], ['TSBPF_NR_write', '1'], ['TSBPF_NR_close', '3'], ['TSBPF_NR_connect', '42'],
    ['TSBPF_NR_openat', '257'], ['TSBPF_NR_accept4', '288'],
    ['TSBPF_AT_FDCWD', '-100', 'openat\'s dfd for relative paths'],
  ],
};
