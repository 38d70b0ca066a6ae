// Map dumps of the two backends in a comparable form: entries sorted by key
// (hash iteration order depends on the kernel's random seed), and the ids in
// prog arrays and maps of maps replaced by the names of what they point to
// (ids are per backend).
import { bpftoolMapDump, type BpfObject } from '../../src/object/index.js';

interface DumpEntry {
  key: string[];
  value?: unknown;
  values?: unknown;
  formatted?: unknown;
}

const ID_VALUED = new Set(['prog_array', 'array_of_maps', 'hash_of_maps']);

const idOf = (bytes: string[]): number => bytes.reduce((n, b, i) => n + parseInt(b, 16) * 2 ** (8 * i), 0);

/** Every map's dump, parsed, sorted and with ids named. */
export function comparableDumps(obj: BpfObject): Record<string, DumpEntry[]> {
  const names = new Map<number, string>();
  const out: Record<string, DumpEntry[]> = {};
  for (const m of Object.values(obj.maps)) {
    const entries = JSON.parse(bpftoolMapDump(m, obj.spec.btf)) as DumpEntry[];
    if (ID_VALUED.has(m.type)) {
      names.clear();
      const targets = m.type === 'prog_array' ? Object.values(obj.programs) : Object.values(obj.maps);
      for (const t of targets) names.set(t.id, t.name);
      for (const e of entries) {
        if (Array.isArray(e.value)) e.value = `-> ${names.get(idOf(e.value as string[])) ?? '(unknown id)'}`;
      }
    }
    out[m.name] = entries.sort((a, b) => (JSON.stringify(a.key) < JSON.stringify(b.key) ? -1 : 1));
  }
  return out;
}
