import { layoutOf } from '../hooks/ctx/layout.js';
import { NODE_TRACEPOINTS } from '../hooks/tracepoints/node-table.js';
import { SYS_ENTER_LAYOUT, SYS_EXIT_LAYOUT } from '../hooks/syscalls/syscall-structs.js';
import { SYSCALL_TRACEPOINTS } from '../hooks/syscalls/syscall-table.js';
import { PERF_EVENT_LAYOUT } from '../hooks/timers/perf-event-ctx.js';
import { UPROBE_LAYOUT } from '../hooks/uprobes/uprobe-ctx.js';
import { PERF_EVENT_DATA_SIZE } from './pt-regs.js';

/**
 * The context a program gets on one of tsbpf's user-space hooks, by its
 * section: the verifier's ctx rules for it (reads only, each aligned to its
 * size, inside `size` bytes), which replace the program type's generic ones:
 * - uprobe/… and uretprobe/… (kprobe programs): struct tsbpf_uprobe_ctx,
 *   pt_regs and then the call's latency, flags, argument kinds and lengths;
 * - perf_event: struct tsbpf_perf_event, bpf_perf_event_data and then the
 *   process's sampled state;
 * - tracepoint/node/<name> and tracepoint/syscalls/<name> (tp/… too): that
 *   tracepoint's record, past its 8-byte common header as the kernel's
 *   tp_prog_is_valid_access has it. A read past the record is refused when
 *   the program is verified (the kernel refuses it at attach, comparing its
 *   max_ctx_offset with the record's size).
 */
export interface HookContextRules {
  /** The context struct, e.g. `struct tsbpf_uprobe_ctx`. */
  readonly struct: string;
  readonly size: number;
  /** Whether a load of `size` bytes at `off` is allowed (writes never are). */
  readable(off: number, size: number): boolean;
}

const aligned = (first: number, end: number) => (off: number, size: number): boolean =>
  off >= first && off + size <= end && [1, 2, 4, 8].includes(size) && off % size === 0;

/** The rules of the hook a section names, or undefined for sections that are not tsbpf hooks. */
export function hookContextRules(section: string): HookContextRules | undefined {
  const slash = section.indexOf('/');
  const family = slash < 0 ? section : section.slice(0, slash);
  const target = slash < 0 ? '' : section.slice(slash + 1);
  if (family === 'uprobe' || family === 'uretprobe') {
    return { struct: 'struct tsbpf_uprobe_ctx', size: UPROBE_LAYOUT.size, readable: aligned(0, UPROBE_LAYOUT.size) };
  }
  if (family === 'perf_event' && target === '') {
    const size = PERF_EVENT_LAYOUT.size;
    const kernelPart = aligned(0, PERF_EVENT_DATA_SIZE);
    // Inside bpf_perf_event_data the kernel's rule: the registers are read whole (8 bytes).
    return {
      struct: 'struct tsbpf_perf_event', size,
      readable: (off, n) => (off < 168 ? n === 8 && kernelPart(off, n) : aligned(168, size)(off, n)),
    };
  }
  if (family !== 'tracepoint' && family !== 'tp') return undefined;
  const [category, name] = target.split('/');
  if (category === 'node') {
    const def = NODE_TRACEPOINTS.find((d) => d.name === name);
    if (!def) return undefined;
    const size = layoutOf(def.struct).size;
    return { struct: `struct ${def.struct.name}`, size, readable: aligned(8, size) };
  }
  if (category === 'syscalls' && SYSCALL_TRACEPOINTS.includes(name)) {
    const layout = name.startsWith('sys_enter_') ? SYS_ENTER_LAYOUT : SYS_EXIT_LAYOUT;
    return { struct: `struct ${layout.name}`, size: layout.size, readable: aligned(8, layout.size) };
  }
  return undefined;
}
