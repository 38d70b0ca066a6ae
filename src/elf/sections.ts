import { SHDR64_SIZE, SHN_XINDEX, SHT_NOBITS, SHT_NULL, SHT_STRTAB } from './constants.js';
import { ElfError } from './errors.js';
import { safeNumber } from './safe-number.js';
import { readCString } from './string-table.js';
import type { ElfHeader, ElfSection } from './types.js';

interface RawSection {
  nameOffset: number; type: number; flags: number; addr: number; offset: number; size: number;
  link: number; info: number; addralign: number; entsize: number;
}

function readRawSection(view: DataView, at: number, index: number): RawSection {
  const where = `#${index}`;
  const u64 = (field: string, rel: number): number => safeNumber(view.getBigUint64(at + rel, true), field, where, at + rel);
  return {
    nameOffset: view.getUint32(at, true),
    type: view.getUint32(at + 4, true),
    flags: u64('sh_flags', 8),
    addr: u64('sh_addr', 16),
    offset: u64('sh_offset', 24),
    size: u64('sh_size', 32),
    link: view.getUint32(at + 40, true),
    info: view.getUint32(at + 44, true),
    addralign: u64('sh_addralign', 48),
    entsize: u64('sh_entsize', 56),
  };
}

/**
 * Reads the section header table, checks every section's extent against the
 * file and resolves names through the section-name string table. Handles the
 * extended numbering of files with 0xff00 or more sections.
 */
export function readSections(bytes: Uint8Array, view: DataView, header: ElfHeader): ElfSection[] {
  if (header.shoff === 0) return [];
  const tableAt = header.shoff;
  if (tableAt > bytes.length || bytes.length - tableAt < SHDR64_SIZE) {
    throw new ElfError(`section header table at 0x${tableAt.toString(16)} is outside the file (${bytes.length} bytes)`, null, 40);
  }
  const first = readRawSection(view, tableAt, 0);
  const count = header.shnum !== 0 ? header.shnum : first.size;
  if (count * SHDR64_SIZE > bytes.length - tableAt) {
    throw new ElfError(`section header table of ${count} entries does not fit in the file (${bytes.length} bytes)`, null, tableAt);
  }
  const strIndex = header.shstrndx === SHN_XINDEX ? first.link : header.shstrndx;

  const raws: RawSection[] = [];
  for (let i = 0; i < count; i++) {
    const at = tableAt + i * SHDR64_SIZE;
    const raw = i === 0 ? first : readRawSection(view, at, i);
    if (raw.type !== SHT_NOBITS && raw.type !== SHT_NULL && (raw.offset > bytes.length || raw.size > bytes.length - raw.offset)) {
      throw new ElfError(`contents at 0x${raw.offset.toString(16)} of ${raw.size} bytes run past the end of the file (${bytes.length} bytes)`,
        `#${i}`, at + 24);
    }
    raws.push(raw);
  }

  let names: Uint8Array = new Uint8Array(0);
  let namesAt = 0;
  if (strIndex !== 0) {
    const table = raws[strIndex];
    if (table === undefined) throw new ElfError(`section-name table index ${strIndex} is out of range (${count} sections)`, null, 62);
    if (table.type !== SHT_STRTAB) throw new ElfError(`section-name table #${strIndex} is not SHT_STRTAB`, `#${strIndex}`, tableAt + strIndex * SHDR64_SIZE + 4);
    names = bytes.subarray(table.offset, table.offset + table.size);
    namesAt = table.offset;
  }

  return raws.map((raw, index) => {
    const name = strIndex === 0 || (index === 0 && raw.nameOffset === 0)
      ? '' : readCString(names, raw.nameOffset, `#${index}`, namesAt);
    const data = raw.type === SHT_NOBITS || raw.type === SHT_NULL
      ? new Uint8Array(0) : bytes.subarray(raw.offset, raw.offset + raw.size);
    return {
      index, name, type: raw.type, flags: raw.flags, addr: raw.addr, offset: raw.offset, size: raw.size,
      link: raw.link, info: raw.info, addralign: raw.addralign, entsize: raw.entsize,
      data, view: new DataView(data.buffer, data.byteOffset, data.byteLength),
    };
  });
}

/** A section's name for error messages: its name or `#index`. */
export const sectionLabel = (section: ElfSection): string => section.name || `#${section.index}`;
