import { STT_SECTION } from './constants.js';
import { ElfError } from './errors.js';
import { isMapInMap, mapTypeName } from './map-types.js';
import type { MapSpec } from './object-spec.js';
import type { ElfSection, ElfSymbol } from './types.js';

/** Minimum size of `struct bpf_map_def` (type, key_size, value_size, max_entries, map_flags). */
const MAP_DEF_MIN = 20;

export interface LegacyMapDef {
  readonly spec: MapSpec;
  readonly offset: number;
  readonly size: number;
}

/**
 * Reads the legacy `maps` section: one `struct bpf_map_def` per symbol, all of
 * the same size (the section size over the number of map symbols), as
 * libbpf did before 1.0.
 */
export function readLegacyMaps(section: ElfSection, symbols: readonly ElfSymbol[]): LegacyMapDef[] {
  const syms = symbols
    .filter((s) => s.sectionIndex === section.index && s.type !== STT_SECTION && s.name !== '')
    .sort((a, b) => a.value - b.value);
  if (syms.length === 0) return [];
  const defSize = section.size / syms.length;
  if (!Number.isInteger(defSize) || defSize % 4 !== 0 || defSize < MAP_DEF_MIN) {
    throw new ElfError(`${syms.length} map symbols do not divide ${section.size} bytes into bpf_map_def records`, section.name, section.offset);
  }
  return syms.map((sym) => {
    const at = section.offset + sym.value;
    if (sym.value % defSize !== 0 || sym.value + defSize > section.size) {
      throw new ElfError(`map '${sym.name}' at offset ${sym.value} is not a whole bpf_map_def`, section.name, at);
    }
    const field = (i: number): number => (i * 4 + 4 <= defSize ? section.view.getUint32(sym.value + i * 4, true) : 0);
    const type = mapTypeName(field(0), sym.name, section.name, at);
    if (isMapInMap(type)) throw new ElfError(`map '${sym.name}': maps of maps need a BTF (.maps) definition`, section.name, at);
    const spec: MapSpec = {
      name: sym.name, type, typeId: field(0), keySize: field(1), valueSize: field(2), maxEntries: field(3),
      flags: field(4), mapExtra: 0n, numaNode: field(6), keyType: 0, valueType: 0, pinning: 'none',
      contents: [], section: section.name,
    };
    return { spec, offset: sym.value, size: defSize };
  });
}
