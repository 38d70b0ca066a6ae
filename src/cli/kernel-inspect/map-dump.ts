import type { Btf } from '../../btf/btf.js';
import { formatBpftoolMapEntry } from '../../btf/bpftool-json.js';
import { KernelError } from '../../kernel/errors.js';
import { allIds, fdById, kernelBtfById, mapDetails } from '../../kernel/inspect/index.js';
import { KernelMap } from '../../kernel/map.js';
import { openPinnedOfKind } from '../../kernel/pin.js';
import { sysClose } from '../../kernel/syscall.js';
import { BpfMapType } from '../../kernel/uapi.js';
import { CliInputError } from '../errors.js';
import { CliFailure } from './cli-failure.js';
import { mapTypeName } from './type-names.js';

/** How `map dump` names its map, as bpftool: `id 12`, `pinned /sys/fs/bpf/x`, `name counts`. */
export type MapSelector = { readonly by: 'id'; readonly id: number } | { readonly by: 'pinned'; readonly path: string } | { readonly by: 'name'; readonly name: string };

export function parseMapSelector(how: string, what: string): MapSelector {
  switch (how) {
    case 'id': {
      const id = Number(what);
      if (!Number.isSafeInteger(id) || id <= 0) throw new CliInputError(`map id ${what} is not a positive integer`);
      return { by: 'id', id };
    }
    case 'pinned': return { by: 'pinned', path: what };
    case 'name': return { by: 'name', name: what };
    default: throw new CliInputError(`map dump takes id ID, pinned PATH or name NAME (not ${how})`);
  }
}

/** A new fd on the selected map (the caller owns it). */
export function openSelectedMap(selector: MapSelector): number {
  if (selector.by === 'pinned') return openPinnedOfKind(selector.path, 'map');
  if (selector.by === 'id') {
    const fd = fdById('map', selector.id);
    if (fd === undefined) throw new CliInputError(`no map with id ${selector.id}`);
    return fd;
  }
  const matches: number[] = [];
  for (const id of allIds('map')) {
    const fd = fdById('map', id);
    if (fd === undefined) continue;
    try {
      if (mapDetails(fd).name === selector.name) matches.push(id);
    } finally {
      sysClose(fd);
    }
  }
  if (matches.length === 0) throw new CliInputError(`no map named ${selector.name}`);
  if (matches.length > 1) throw new CliInputError(`${matches.length} maps are named ${selector.name} (ids ${matches.join(', ')}): use id ID`);
  return openSelectedMap({ by: 'id', id: matches[0] });
}

const PER_CPU = new Set<number>([
  BpfMapType.BPF_MAP_TYPE_PERCPU_HASH, BpfMapType.BPF_MAP_TYPE_PERCPU_ARRAY, BpfMapType.BPF_MAP_TYPE_LRU_PERCPU_HASH,
  BpfMapType.BPF_MAP_TYPE_PERCPU_CGROUP_STORAGE,
]);

/** One element as read from the kernel: the value, or one value per possible CPU. */
interface DumpedEntry {
  readonly key: Uint8Array;
  readonly value: Uint8Array | Uint8Array[];
}

export interface MapDump {
  readonly type: number;
  readonly keyType: number;
  readonly valueType: number;
  readonly btf: Btf | null;
  readonly entries: DumpedEntry[];
}

/** Reads every element of the map behind `fd` (which it takes over and closes), with its BTF when it has one. */
export function dumpMapFd(fd: number): MapDump {
  const map = KernelMap.fromFd(fd);
  try {
    return dumpMap(map);
  } finally {
    map.close();
  }
}

/** Reads every element of `map`, with its BTF when it has one. */
export function dumpMap(map: KernelMap): MapDump {
  const details = mapDetails(map.fd);
  const entries: DumpedEntry[] = [];
  const slot = (map.valueSize + 7) & ~7;
  try {
    for (const key of map.keys()) {
      const value = map.lookup(key);
      if (value === undefined) continue; // deleted meanwhile
      entries.push({
        key,
        value: PER_CPU.has(map.type)
          ? Array.from({ length: value.length / slot }, (_, cpu) => value.slice(cpu * slot, cpu * slot + map.valueSize))
          : value,
      });
    }
  } catch (err) {
    if (err instanceof KernelError) throw new CliFailure(`cannot dump a ${mapTypeName(map.type)} map: ${err.message}`);
    throw err;
  }
  let btf: Btf | null = null;
  if (details.btfId !== 0 && (details.btfKeyTypeId !== 0 || details.btfValueTypeId !== 0)) {
    try {
      btf = kernelBtfById(details.btfId) ?? null;
    } catch {
      btf = null; // BTF this parser cannot read: dump the bytes
    }
  }
  return { type: map.type, keyType: btf ? details.btfKeyTypeId : 0, valueType: btf ? details.btfValueTypeId : 0, btf, entries };
}

const hex = (bytes: Uint8Array): string => Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join(' ');

/** `bpftool -j map dump`'s JSON. */
export function mapDumpJson(dump: MapDump): string {
  return `[${dump.entries.map((e) => formatBpftoolMapEntry(dump.btf, { keyType: dump.keyType, valueType: dump.valueType }, e.key, e.value)).join(',')}]`;
}

/**
 * `bpftool map dump`'s text: with BTF, the formatted elements as JSON;
 * without, `key: .. .. value: ..` lines (per CPU for per-CPU maps).
 */
export function mapDumpText(dump: MapDump): string {
  const count = `Found ${dump.entries.length} element${dump.entries.length === 1 ? '' : 's'}`;
  if (dump.btf) {
    const formatted = dump.entries.map((e) => {
      const parsed = JSON.parse(formatBpftoolMapEntry(dump.btf, { keyType: dump.keyType, valueType: dump.valueType }, e.key, e.value)) as { formatted: unknown };
      return parsed.formatted;
    });
    return `${JSON.stringify(formatted, null, 4)}\n${count}`;
  }
  const lines = dump.entries.map((e) => {
    if (e.value instanceof Uint8Array) return `key: ${hex(e.key)}  value: ${hex(e.value)}`;
    return [`key:`, hex(e.key), ...e.value.map((v, cpu) => `value (CPU ${String(cpu).padStart(2, '0')}): ${hex(v)}`)].join('\n');
  });
  return [...lines, count].join('\n');
}
