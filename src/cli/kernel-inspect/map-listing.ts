import { allIds, fdById, mapDetails, type MapDetails } from '../../kernel/inspect/index.js';
import { sysClose } from '../../kernel/syscall.js';
import { listPrograms } from './program-listing.js';
import type { KernelObjectIndex } from './selection.js';
import { mapTypeName, pidsText } from './type-names.js';

/** One map of `tsbpf map list`. */
export interface ListedMap {
  readonly details: MapDetails;
  readonly pinned: string[];
  readonly pids: { pid: number; comm: string }[];
}

/** The maps to list: tsbpf's (pinned by it, held by it, or used by its programs), or every one with `all`. */
export function listMaps(index: KernelObjectIndex, all: boolean): ListedMap[] {
  const used = new Set(all ? [] : listPrograms(index, false).flatMap((p) => p.details.mapIds));
  const out: ListedMap[] = [];
  for (const id of allIds('map')) {
    const key = `map:${id}`;
    if (!all && !used.has(id) && !index.isTsbpfs(key)) continue;
    const fd = fdById('map', id);
    if (fd === undefined) continue;
    try {
      out.push({ details: mapDetails(fd), pinned: index.pins.get(key) ?? [], pids: index.owners.get(key) ?? [] });
    } finally {
      sysClose(fd);
    }
  }
  return out;
}

/** bpftool map show's text. */
export function mapText(m: ListedMap): string {
  const d = m.details;
  const lines = [
    `${d.id}: ${mapTypeName(d.type)}  name ${d.name || '(none)'}  flags 0x${d.flags.toString(16)}`,
    `\tkey ${d.keySize}B  value ${d.valueSize}B  max_entries ${d.maxEntries}`,
  ];
  if (d.btfId !== 0) lines.push(`\tbtf_id ${d.btfId}`);
  for (const path of m.pinned) lines.push(`\tpinned ${path}`);
  if (m.pids.length > 0) lines.push(`\tpids ${pidsText(m.pids)}`);
  return lines.join('\n');
}

/** bpftool -j map show's object. */
export function mapJson(m: ListedMap): Record<string, unknown> {
  const d = m.details;
  return {
    id: d.id,
    type: mapTypeName(d.type),
    name: d.name,
    flags: d.flags,
    bytes_key: d.keySize,
    bytes_value: d.valueSize,
    max_entries: d.maxEntries,
    ...(d.btfId !== 0 ? { btf_id: d.btfId } : {}),
    ...(m.pinned.length > 0 ? { pinned: m.pinned } : {}),
    ...(m.pids.length > 0 ? { pids: m.pids } : {}),
  };
}
