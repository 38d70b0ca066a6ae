import { allIds, fdById, programDetails, type ProgramDetails } from '../../kernel/inspect/index.js';
import { sysClose } from '../../kernel/syscall.js';
import type { KernelObjectIndex } from './selection.js';
import { pidsText, progTypeName } from './type-names.js';

/** One program of `tsbpf prog list`. */
export interface ListedProgram {
  readonly details: ProgramDetails;
  readonly pinned: string[];
  readonly pids: { pid: number; comm: string }[];
}

/** The programs to list: tsbpf's, or every one with `all`. */
export function listPrograms(index: KernelObjectIndex, all: boolean): ListedProgram[] {
  const out: ListedProgram[] = [];
  for (const id of allIds('program')) {
    const key = `program:${id}`;
    if (!all && !index.isTsbpfs(key)) continue;
    const fd = fdById('program', id);
    if (fd === undefined) continue;
    try {
      out.push({ details: programDetails(fd), pinned: index.pins.get(key) ?? [], pids: index.owners.get(key) ?? [] });
    } finally {
      sysClose(fd);
    }
  }
  return out;
}

/** ISO time without milliseconds, with the offset as bpftool prints it (`2026-11-25T18:00:00+0000`). */
function loadedAtText(date: Date): string {
  return `${date.toISOString().slice(0, 19)}+0000`;
}

/** bpftool prog show's text. */
export function programText(p: ListedProgram): string {
  const d = p.details;
  const lines = [
    `${d.id}: ${progTypeName(d.type)}  name ${d.name || '(none)'}  tag ${d.tag}${d.gplCompatible ? '  gpl' : ''}`,
    `\tloaded_at ${loadedAtText(d.loadedAt)}  uid ${d.uid}`,
    `\txlated ${d.bytesXlated}B  jited ${d.bytesJited}B${d.mapIds.length > 0 ? `  map_ids ${d.mapIds.join(',')}` : ''}`,
  ];
  if (d.btfId !== 0) lines.push(`\tbtf_id ${d.btfId}`);
  for (const path of p.pinned) lines.push(`\tpinned ${path}`);
  if (p.pids.length > 0) lines.push(`\tpids ${pidsText(p.pids)}`);
  return lines.join('\n');
}

/** bpftool -j prog show's object. */
export function programJson(p: ListedProgram): Record<string, unknown> {
  const d = p.details;
  return {
    id: d.id,
    type: progTypeName(d.type),
    name: d.name,
    tag: d.tag,
    gpl_compatible: d.gplCompatible,
    loaded_at: Math.floor(d.loadedAt.getTime() / 1000),
    uid: d.uid,
    bytes_xlated: d.bytesXlated,
    jited: d.bytesJited > 0,
    bytes_jited: d.bytesJited,
    map_ids: d.mapIds,
    ...(d.btfId !== 0 ? { btf_id: d.btfId } : {}),
    ...(p.pinned.length > 0 ? { pinned: p.pinned } : {}),
    ...(p.pids.length > 0 ? { pids: p.pids } : {}),
  };
}
