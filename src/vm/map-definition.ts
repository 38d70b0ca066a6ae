import type { Btf } from '../btf/btf.js';
import type { MapSpec } from '../elf/object-spec.js';
import { adjustedMaxEntries } from '../kernel/object/map-sizes.js';
import type { MapDefinition } from '../maps/definition.js';

/** Byte offset of a top-level `struct bpf_spin_lock` member of a map's value type, if it has one. */
export function spinLockOffset(btf: Btf | null, valueType: number): number | undefined {
  if (btf === null || valueType === 0) return undefined;
  const t = btf.resolve(valueType);
  if (t.kind !== 'struct') return undefined;
  for (const m of t.members) {
    const mt = btf.resolve(m.type);
    if (mt.kind === 'struct' && mt.name === 'bpf_spin_lock' && m.bitOffset % 8 === 0) return m.bitOffset / 8;
  }
  return undefined;
}

/** What BPF_MAP_CREATE gets for a MapSpec, in the VM's terms (the inner template included, sizes adjusted as libbpf does). */
export function mapDefinitionOf(spec: MapSpec, btf: Btf | null, cpus: number): MapDefinition {
  const lock = spinLockOffset(btf, spec.valueType);
  return {
    type: spec.typeId,
    keySize: spec.keySize,
    valueSize: spec.valueSize,
    maxEntries: adjustedMaxEntries(spec, cpus),
    flags: spec.flags,
    name: spec.name,
    mapExtra: spec.mapExtra,
    ...(spec.inner !== undefined ? { innerMap: mapDefinitionOf(spec.inner, btf, cpus) } : {}),
    ...(lock !== undefined ? { spinLockOffset: lock } : {}),
  };
}
