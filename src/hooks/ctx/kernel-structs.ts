import type { FieldDef, StructDef } from './layout.js';

/** The kernel's `struct trace_entry`: the common fields every tracepoint record starts with. */
export const TRACE_ENTRY: StructDef = {
  name: 'trace_entry',
  doc: 'common fields of every tracepoint record (include/linux/trace_events.h)',
  kernel: true,
  fields: [
    { name: 'type', type: 'unsigned short', doc: 'the tracepoint id' },
    { name: 'flags', type: 'unsigned char' },
    { name: 'preempt_count', type: 'unsigned char' },
    { name: 'pid', type: 'int', doc: 'process id' },
  ],
};

const ul = (name: string): FieldDef => ({ name, type: 'unsigned long' });

/**
 * x86-64's `struct pt_regs` (arch/x86/include/asm/ptrace.h) with the
 * kernel's field names, the layout libbpf's PT_REGS_PARM1()... read with
 * __TARGET_ARCH_x86 (first argument in di, then si, dx, cx, r8, r9; the
 * return value in ax).
 */
export const PT_REGS: StructDef = {
  name: 'pt_regs',
  headerVariant: {
    name: 'pt_regs',
    doc: 'x86-64 registers, user-space names as <asm/ptrace.h> (what bpf_tracing.h reads without vmlinux.h)',
    kernel: true,
    alsoDefinedBy: '_ASM_X86_PTRACE_H',
    fields: ['r15', 'r14', 'r13', 'r12', 'rbp', 'rbx', 'r11', 'r10', 'r9', 'r8', 'rax', 'rcx', 'rdx', 'rsi', 'rdi',
      'orig_rax', 'rip', 'cs', 'eflags', 'rsp', 'ss'].map(ul),
  },
  doc: 'x86-64 registers as the kernel saves them (arch/x86/include/asm/ptrace.h)',
  kernel: true,
  fields: ['r15', 'r14', 'r13', 'r12', 'bp', 'bx', 'r11', 'r10', 'r9', 'r8', 'ax', 'cx', 'dx', 'si', 'di',
    'orig_ax', 'ip', 'cs', 'flags', 'sp', 'ss'].map(ul),
};
