import type { Btf } from '../btf/btf.js';
import type { MapSpec } from '../elf/object-spec.js';
import { adjustedMaxEntries } from '../kernel/object/map-sizes.js';
import type { MapDefinition } from '../maps/definition.js';
import { spinLockOffset } from '../btf/spin-lock.js';

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
