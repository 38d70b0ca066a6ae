import { REL64_SIZE, RELA64_SIZE, SHT_NOBITS, SHT_REL, SHT_RELA } from './constants.js';
import { ElfError } from './errors.js';
import { safeNumber } from './safe-number.js';
import { sectionLabel } from './sections.js';
import type { ElfRelocation, ElfRelocationSection, ElfSection, ElfSymbol } from './types.js';

/**
 * Reads every SHT_REL/SHT_RELA section. Each entry's symbol must exist and its
 * offset must lie inside the target section.
 */
export function readRelocations(sections: readonly ElfSection[], symbols: readonly ElfSymbol[]): ElfRelocationSection[] {
  const result: ElfRelocationSection[] = [];
  for (const section of sections) {
    if (section.type !== SHT_REL && section.type !== SHT_RELA) continue;
    const where = sectionLabel(section);
    const rela = section.type === SHT_RELA;
    const entsize = rela ? RELA64_SIZE : REL64_SIZE;
    if (section.entsize !== 0 && section.entsize !== entsize) {
      throw new ElfError(`sh_entsize ${section.entsize} is not ${entsize}`, where, section.offset);
    }
    if (section.size % entsize !== 0) throw new ElfError(`size ${section.size} is not a multiple of ${entsize}`, where, section.offset);
    let target: ElfSection | null = null;
    if (section.info !== 0) {
      target = sections[section.info] ?? null;
      if (target === null) throw new ElfError(`sh_info ${section.info} names no section (${sections.length} sections)`, where, section.offset);
    }
    const targetSize = target === null ? Infinity : target.type === SHT_NOBITS ? 0 : target.size;
    const entries: ElfRelocation[] = [];
    const count = section.size / entsize;
    for (let i = 0; i < count; i++) {
      const at = i * entsize;
      const fileAt = section.offset + at;
      const offset = safeNumber(section.view.getBigUint64(at, true), 'r_offset', where, fileAt);
      const info = section.view.getBigUint64(at + 8, true);
      const symbol = Number(info >> 32n);
      const type = Number(info & 0xffffffffn);
      if (symbol >= symbols.length) {
        throw new ElfError(`relocation ${i} refers to symbol ${symbol} of ${symbols.length}`, where, fileAt + 8);
      }
      if (offset >= targetSize) {
        throw new ElfError(`relocation ${i} at offset 0x${offset.toString(16)} is outside ${target === null ? '' : sectionLabel(target)} (${targetSize} bytes)`,
          where, fileAt);
      }
      const addend = rela ? section.view.getBigInt64(at + 16, true) : 0n;
      entries.push({ offset, symbol, type, addend });
    }
    result.push({ section, target: target === null ? null : target.index, entries });
  }
  return result;
}
