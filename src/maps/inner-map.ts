import type { ResolvedMapDefinition } from './definition.js';
import type { BpfMap } from './bpf-map.js';
import type { MapRegistry } from './registry.js';
import { MapDefinitionError } from './errors.js';
import { EBADF, EINVAL, ENOTSUPP } from './errno.js';
import { BPF_F_INNER_MAP } from './flags.js';

/** bpf_map_meta_alloc(): an outer map needs an inner template, and only one level of nesting. */
export function checkInnerTemplate(def: ResolvedMapDefinition): void {
  const inner = def.innerMap;
  if (!inner) throw new MapDefinitionError(def.name, EINVAL, 'a map of maps needs an inner map definition');
  if (inner.type === 'array_of_maps' || inner.type === 'hash_of_maps' || inner.type === 'prog_array') {
    throw new MapDefinitionError(def.name, ENOTSUPP, `inner maps cannot be ${inner.type}`);
  }
}

/**
 * map_meta_equal(): an inner map must match the template's type, key and
 * value sizes and flags; array inners also max_entries, unless the template
 * has BPF_F_INNER_MAP.
 */
export function innerMapCompatible(template: ResolvedMapDefinition, map: BpfMap): boolean {
  const d = map.def;
  if (d.type !== template.type || d.keySize !== template.keySize || d.valueSize !== template.valueSize) return false;
  if (d.flags !== template.flags) return false;
  if (d.type === 'array' && (template.flags & BPF_F_INNER_MAP) === 0 && d.maxEntries !== template.maxEntries) return false;
  return true;
}

/** The map a bpf() value names (its id), checked against the template; or an errno. */
export function resolveInnerMap(registry: MapRegistry, template: ResolvedMapDefinition, id: number): BpfMap | number {
  const map = registry.mapById(id);
  if (!map) return -EBADF;
  return innerMapCompatible(template, map) ? map : -EINVAL;
}
