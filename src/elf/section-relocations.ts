import { ElfError } from './errors.js';
import type { ElfFile, ElfRelocation, ElfSection } from './types.js';

/** Stops the walk with an ElfError at the relocation entry's place in the file. */
export type RelocationFail = (reason: string) => never;

/**
 * Calls `visit` for each relocation that patches `section` (from every REL/RELA
 * section targeting it, in order), with its index in its relocation section
 * and a `fail` that names that section and the entry's file offset.
 */
export function forEachRelocationOf(
  elf: ElfFile,
  section: ElfSection,
  visit: (rel: ElfRelocation, index: number, fail: RelocationFail) => void,
): void {
  for (const rs of elf.relocationSections) {
    if (rs.target !== section.index) continue;
    const entsize = rs.entries.length > 0 ? rs.section.size / rs.entries.length : 16;
    rs.entries.forEach((rel, i) => {
      const fileAt = rs.section.offset + i * entsize;
      visit(rel, i, (reason) => { throw new ElfError(reason, rs.section.name, fileAt); });
    });
  }
}
