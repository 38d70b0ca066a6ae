import type { Btf } from '../../btf/btf.js';
import { formatBpftoolValue } from '../../btf/bpftool-json.js';

/**
 * A struct of the object's BTF that a record of `size` bytes may be: the
 * only struct of that size, preferring names with "event" in them (ring and
 * perf buffer maps carry no value type, so tools guess, or know their struct).
 */
export function recordStructOf(btf: Btf | null, size: number): { id: number; name: string } | null {
  if (!btf) return null;
  const fits: Array<{ id: number; name: string }> = [];
  for (let id = 1; id < btf.typeCount; id++) {
    const t = btf.type(id);
    if (t.kind === 'struct' && t.name !== '' && t.size === size) fits.push({ id, name: t.name });
  }
  const events = fits.filter((f) => /event|record|sample/i.test(f.name));
  if (events.length === 1) return events[0];
  return fits.length === 1 ? fits[0] : null;
}

/** A record as bpftool-style JSON text (`formatted` when a struct fits), or null. */
export function formatRecord(btf: Btf | null, bytes: Uint8Array): { type: string; json: string } | null {
  const s = recordStructOf(btf, bytes.length);
  if (!s || !btf) return null;
  try {
    return { type: `struct ${s.name}`, json: formatBpftoolValue(btf, s.id, bytes) };
  } catch {
    return null;
  }
}
