import { ElfError } from './errors.js';
import { readHeader } from './header.js';
import { readRelocations } from './relocations.js';
import { readSections } from './sections.js';
import { readSymbols } from './symbols.js';
import type { ElfFile, ElfRelocation } from './types.js';

/**
 * Parses an ELF64 little-endian file: header, sections, the symbol table and
 * relocations, all bounds-checked. Every fault is an ElfError naming the
 * section and byte offset. Views share memory with `bytes`.
 */
export function readElf(bytes: Uint8Array): ElfFile {
  if (!(bytes instanceof Uint8Array)) throw new ElfError('input is not a Uint8Array', null, 0);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const header = readHeader(bytes, view);
  const sections = readSections(bytes, view, header);
  const symbols = readSymbols(sections);
  const relocationSections = readRelocations(sections, symbols);
  const byName = new Map<string, number>();
  sections.forEach((s) => { if (!byName.has(s.name)) byName.set(s.name, s.index); });
  const byTarget = new Map<number, ElfRelocation[]>();
  for (const rs of relocationSections) {
    if (rs.target === null) continue;
    const list = byTarget.get(rs.target) ?? [];
    for (const entry of rs.entries) list.push(entry);
    byTarget.set(rs.target, list);
  }
  return {
    bytes,
    header,
    sections,
    symbols,
    relocationSections,
    section: (name) => {
      const index = byName.get(name);
      return index === undefined ? undefined : sections[index];
    },
    relocationsFor: (sectionIndex) => byTarget.get(sectionIndex) ?? [],
  };
}
