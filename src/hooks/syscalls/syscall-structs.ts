import { TRACE_ENTRY } from '../ctx/kernel-structs.js';
import { fieldOffset, layoutOf, type StructDef } from '../ctx/layout.js';

/** The kernel's record of every sys_enter_* tracepoint (include/trace/events/syscalls.h). */
export const SYS_ENTER: StructDef = {
  name: 'trace_event_raw_sys_enter',
  doc: 'tracepoint/syscalls/sys_enter_<name>: a system call\'s number and arguments',
  kernel: true,
  fields: [
    { name: 'ent', type: TRACE_ENTRY },
    { name: 'id', type: 'long', doc: 'the system call number (x86-64)' },
    { name: 'args', type: 'unsigned long', count: 6, doc: 'its arguments; pointers point to user memory' },
  ],
};

/** The kernel's record of every sys_exit_* tracepoint. */
export const SYS_EXIT: StructDef = {
  name: 'trace_event_raw_sys_exit',
  doc: 'tracepoint/syscalls/sys_exit_<name>: a system call\'s number and result',
  kernel: true,
  fields: [
    { name: 'ent', type: TRACE_ENTRY },
    { name: 'id', type: 'long' },
    { name: 'ret', type: 'long', doc: 'the result: >= 0, or -errno' },
  ],
};

export const SYS_ENTER_LAYOUT = layoutOf(SYS_ENTER);
export const SYS_EXIT_LAYOUT = layoutOf(SYS_EXIT);
export const SYS_ENTER_ARGS = fieldOffset(SYS_ENTER_LAYOUT, 'args');
export const SYS_ID = fieldOffset(SYS_ENTER_LAYOUT, 'id');
export const SYS_EXIT_RET = fieldOffset(SYS_EXIT_LAYOUT, 'ret');
