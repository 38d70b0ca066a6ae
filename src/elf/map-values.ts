import type { BtfMapDef } from './btf-maps.js';
import { SHN_UNDEF, STT_FUNC } from './constants.js';
import type { MapSpec } from './object-spec.js';
import { forEachRelocationOf } from './section-relocations.js';
import type { ElfFile, ElfSection } from './types.js';

/**
 * Reads the relocations of `.maps` that initialise `values` of prog arrays
 * (`[1] = &prog`) and maps of maps (`[0] = &inner_map`), as libbpf's
 * bpf_object__collect_map_relos, into the maps' `contents`.
 */
export function readMapValues(elf: ElfFile, section: ElfSection, defs: readonly BtfMapDef[], maps: MapSpec[]): void {
  forEachRelocationOf(elf, section, (rel, i, fail) => {
    const sym = elf.symbols[rel.symbol];
    if (sym.sectionIndex === SHN_UNDEF) fail(`.maps relocation ${i} refers to extern symbol '${sym.name}'`);
    const def = defs.find((d) => rel.offset >= d.offset && rel.offset < d.offset + d.size);
    if (def === undefined) fail(`.maps relocation ${i} at offset ${rel.offset} is in no map definition`);
    const map = maps.find((m) => m.name === def!.spec.name && m.section === section.name) as MapSpec;
    if (def!.valuesBitOffset < 0) fail(`map '${map.name}': relocation at offset ${rel.offset} but the map has no 'values'`);
    const valuesAt = def!.offset + def!.valuesBitOffset / 8;
    const delta = rel.offset - valuesAt;
    if (delta < 0 || delta % 8 !== 0) fail(`map '${map.name}': relocation at offset ${rel.offset} is not a 'values' slot`);
    const index = delta / 8;
    if (index >= map.maxEntries) fail(`map '${map.name}': 'values' slot ${index} is past max_entries ${map.maxEntries}`);
    if (map.keySize !== 4) fail(`map '${map.name}': initialised 'values' need a key size of 4, not ${map.keySize}`);
    const key = new Uint8Array(4);
    new DataView(key.buffer).setUint32(0, index, true);
    if (map.type === 'BPF_MAP_TYPE_PROG_ARRAY') {
      if (sym.type !== STT_FUNC) fail(`map '${map.name}': slot ${index} refers to '${sym.name}', which is not a program`);
      map.contents.push({ key, value: { program: sym.name } });
      return;
    }
    if (sym.sectionIndex !== section.index) fail(`map '${map.name}': slot ${index} refers to '${sym.name}', which is not a map`);
    const inner = defs.find((d) => d.offset === sym.value);
    if (inner === undefined) fail(`map '${map.name}': slot ${index} refers to '${sym.name}', which is not a map definition`);
    map.contents.push({ key, value: { map: inner!.spec.name } });
  });
}
