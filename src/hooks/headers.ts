import { renderHeader, type HeaderSpec } from './ctx/c-header.js';
import { structsBtf } from './ctx/btf-writer.js';
import type { Btf } from '../btf/btf.js';
import type { StructDef } from './ctx/layout.js';
import { NODE_TRACEPOINTS_HEADER } from './tracepoints/node-header.js';
import { UPROBE_HEADER } from './uprobes/uprobe-header.js';
import { SYSCALLS_HEADER } from './syscalls/syscall-header.js';
import { PERF_EVENT_HEADER } from './timers/perf-event-header.js';

/** Every header tsbpf ships in include/tsbpf, generated from the hooks' context descriptions. */
export const HOOK_HEADERS: readonly HeaderSpec[] = [NODE_TRACEPOINTS_HEADER, UPROBE_HEADER, SYSCALLS_HEADER, PERF_EVENT_HEADER];

/** The text of include/tsbpf/<file>. */
export function headerText(file: string): string {
  const spec = HOOK_HEADERS.find((h) => h.file === file);
  if (!spec) throw new RangeError(`tsbpf ships no header ${file}`);
  return renderHeader(spec);
}

let btf: Btf | null = null;

/**
 * BTF of every hook context type (what clang emits for the headers with -g):
 * the target BTF for CO-RE relocations of programs written against them.
 */
export function hookContextBtf(): Btf {
  if (!btf) {
    const all: StructDef[] = [];
    for (const h of HOOK_HEADERS) for (const s of h.structs) if (!all.includes(s)) all.push(s);
    btf = structsBtf(all);
  }
  return btf;
}
