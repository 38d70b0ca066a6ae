import type { MapSpec } from '../elf/object-spec.js';
import type { Btf } from '../btf/btf.js';
import type { MapDefinition } from './definition.js';

const MODIFIERS = new Set(['typedef', 'volatile', 'const', 'restrict', 'type_tag']);

/** Byte offset of a `struct bpf_spin_lock` inside type `id` (nested structs included), or undefined. */
export function spinLockOffset(btf: Btf, id: number, depth = 0): number | undefined {
  if (id === 0 || depth > 32) return undefined;
  let t = btf.type(id);
  while (MODIFIERS.has(t.kind) && 'type' in t) t = btf.type(t.type);
  if (t.kind !== 'struct' && t.kind !== 'union') return undefined;
  if (t.name === 'bpf_spin_lock') return 0;
  for (const m of t.members) {
    const inner = spinLockOffset(btf, m.type, depth + 1);
    if (inner !== undefined && m.bitfieldSize === 0) return m.bitOffset / 8 + inner;
  }
  return undefined;
}

/**
 * The VM's map definition for a loader MapSpec (type by number, inner map
 * template, and the value's bpf_spin_lock found through BTF for BPF_F_LOCK).
 */
export function mapDefinitionFromSpec(spec: MapSpec, btf?: Btf | null): MapDefinition {
  return {
    type: spec.typeId,
    name: spec.name,
    keySize: spec.keySize,
    valueSize: spec.valueSize,
    maxEntries: spec.maxEntries,
    flags: spec.flags,
    mapExtra: spec.mapExtra,
    innerMap: spec.inner ? mapDefinitionFromSpec(spec.inner, btf) : undefined,
    spinLockOffset: btf && spec.valueType ? spinLockOffset(btf, spec.valueType) : undefined,
  };
}
