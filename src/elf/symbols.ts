import { SHN_XINDEX, SHT_STRTAB, SHT_SYMTAB, SHT_SYMTAB_SHNDX, SYM64_SIZE } from './constants.js';
import { ElfError } from './errors.js';
import { safeNumber } from './safe-number.js';
import { sectionLabel } from './sections.js';
import { readCString } from './string-table.js';
import type { ElfSection, ElfSymbol } from './types.js';

/** Reads the (single) SHT_SYMTAB with names from its linked string table. */
export function readSymbols(sections: readonly ElfSection[]): ElfSymbol[] {
  const symtabs = sections.filter((s) => s.type === SHT_SYMTAB);
  if (symtabs.length === 0) return [];
  const symtab = symtabs[0];
  const where = sectionLabel(symtab);
  if (symtabs.length > 1) throw new ElfError('more than one SHT_SYMTAB section', sectionLabel(symtabs[1]), symtabs[1].offset);
  if (symtab.entsize !== SYM64_SIZE) throw new ElfError(`sh_entsize ${symtab.entsize} is not ${SYM64_SIZE}`, where, symtab.offset);
  if (symtab.size % SYM64_SIZE !== 0) throw new ElfError(`size ${symtab.size} is not a multiple of ${SYM64_SIZE}`, where, symtab.offset);
  const strtab = sections[symtab.link];
  if (strtab === undefined || strtab.type !== SHT_STRTAB) {
    throw new ElfError(`sh_link ${symtab.link} is not a string table`, where, symtab.offset);
  }
  const shndxTable = sections.find((s) => s.type === SHT_SYMTAB_SHNDX && s.link === symtab.index);
  const count = symtab.size / SYM64_SIZE;
  const symbols: ElfSymbol[] = [];
  for (let i = 0; i < count; i++) {
    const at = i * SYM64_SIZE;
    const fileAt = symtab.offset + at;
    const view = symtab.view;
    const info = symtab.data[at + 4];
    let sectionIndex = view.getUint16(at + 6, true);
    if (sectionIndex === SHN_XINDEX && shndxTable !== undefined) {
      if ((i + 1) * 4 > shndxTable.size) {
        throw new ElfError(`no extended section index for symbol ${i}`, sectionLabel(shndxTable), shndxTable.offset + shndxTable.size);
      }
      sectionIndex = shndxTable.view.getUint32(i * 4, true);
    }
    symbols.push({
      index: i,
      name: readCString(strtab.data, view.getUint32(at, true), sectionLabel(strtab), strtab.offset),
      value: safeNumber(view.getBigUint64(at + 8, true), 'st_value', where, fileAt + 8),
      size: safeNumber(view.getBigUint64(at + 16, true), 'st_size', where, fileAt + 16),
      bind: info >> 4,
      type: info & 0xf,
      visibility: symtab.data[at + 5] & 0x3,
      sectionIndex,
    });
  }
  return symbols;
}
