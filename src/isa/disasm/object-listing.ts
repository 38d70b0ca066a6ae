import { TsbpfError } from '../../errors.js';
import type { ListingOptions, ListingRelocation, ListingSection, ListingSymbol } from './listing-types.js';
import { listSection } from './listing.js';
import { relocationTypeName } from './relocation-names.js';

// The parts of an ELF object the listing reads. `ElfFile` from src/elf has
// this shape; declaring it here keeps the isa layer free of the ELF reader.
export interface ObjectSectionLike {
  readonly index: number;
  readonly name: string;
  readonly type: number;
  readonly flags: number;
  readonly size: number;
  readonly data: Uint8Array;
}
export interface ObjectSymbolLike {
  readonly name: string;
  readonly value: number;
  readonly type: number;
  readonly sectionIndex: number;
}
export interface ObjectRelocationLike {
  readonly offset: number;
  readonly symbol: number;
  readonly type: number;
  readonly addend: bigint;
}
export interface ObjectLike {
  readonly header: { readonly machine: number };
  readonly sections: readonly ObjectSectionLike[];
  readonly symbols: readonly ObjectSymbolLike[];
  relocationsFor(sectionIndex: number): readonly ObjectRelocationLike[];
}

const EM_BPF = 247;
const SHT_NOBITS = 8;
const SHF_EXECINSTR = 0x4;
const STT_SECTION = 3;
const STT_FILE = 4;
const SHN_LORESERVE = 0xff00;

export interface ObjectListingOptions extends ListingOptions {
  /** List only the sections with these names (`llvm-objdump -j`, repeatable), whether or not they hold code. */
  readonly sections?: readonly string[];
}

/** A section, a symbol or a -j name the listing cannot find. */
export class DisasmInputError extends TsbpfError {}

/** Symbols llvm-objdump shows in a section: named, and not section or file symbols. */
function sectionSymbols(obj: ObjectLike, index: number): ListingSymbol[] {
  return obj.symbols
    .filter((s) => s.sectionIndex === index && s.name !== '' && s.type !== STT_SECTION && s.type !== STT_FILE)
    .map((s) => ({ name: s.name, offset: s.value, type: s.type }));
}

/** What llvm-objdump prints as a relocation's value: the symbol (a section symbol by its section's name), `*ABS*` without one, and a nonzero addend. */
function relocationValue(obj: ObjectLike, r: ObjectRelocationLike): string {
  let name = '*ABS*';
  if (r.symbol !== 0) {
    const symbol = obj.symbols[r.symbol];
    if (symbol.type === STT_SECTION) {
      name = symbol.sectionIndex > 0 && symbol.sectionIndex < SHN_LORESERVE ? obj.sections[symbol.sectionIndex]?.name ?? '' : '';
    } else {
      name = symbol.name;
    }
  }
  if (r.addend === 0n) return name;
  return `${name}${r.addend < 0n ? '-' : '+'}0x${(r.addend < 0n ? -r.addend : r.addend).toString(16)}`;
}

function toListingSection(obj: ObjectLike, s: ObjectSectionLike): ListingSection {
  const relocations: ListingRelocation[] = obj.relocationsFor(s.index)
    .map((r) => ({ offset: r.offset, type: relocationTypeName(r.type), value: relocationValue(obj, r) }));
  return {
    name: s.name,
    bytes: s.data,
    size: s.size,
    executable: (s.flags & SHF_EXECINSTR) !== 0,
    virtual: s.type === SHT_NOBITS,
    symbols: sectionSymbols(obj, s.index),
    relocations,
  };
}

/**
 * The whole output of `llvm-objdump-19 -d FILE` (or `-dr`, or `-d -j S`) for
 * an eBPF relocatable object: the `file format elf64-bpf` header, then every
 * code section (or every section named) with its symbols and instructions.
 * A name no section has lists nothing, as llvm-objdump (see missingSections).
 */
export function listObject(obj: ObjectLike, fileName: string, options: ObjectListingOptions = {}): string {
  if (obj.header.machine !== EM_BPF) {
    throw new DisasmInputError(`${fileName}: not an eBPF object (e_machine ${obj.header.machine}, expected ${EM_BPF})`);
  }
  const wanted = options.sections;
  const chosen = wanted !== undefined && wanted.length > 0
    ? obj.sections.filter((s) => s.index !== 0 && wanted.includes(s.name))
    : obj.sections.filter((s) => (s.flags & SHF_EXECINSTR) !== 0 && s.type !== SHT_NOBITS);
  // Joined per section: a large section has too many lines for one push(...spread).
  const parts = ['', `${fileName}:\tfile format elf64-bpf`];
  for (const s of chosen) {
    const lines = listSection(toListingSection(obj, s), options);
    if (lines.length > 0) parts.push(lines.join('\n'));
  }
  return `${parts.join('\n')}\n`;
}

/** The names in `sections` that no section of the object has (llvm-objdump warns of each), with the object's code sections. */
export function missingSections(obj: ObjectLike, sections: readonly string[]): { missing: string[]; code: string[] } {
  const missing = [...new Set(sections)].filter((name) => !obj.sections.some((s) => s.index !== 0 && s.name === name));
  const code = obj.sections.filter((s) => (s.flags & SHF_EXECINSTR) !== 0 && s.size > 0).map((s) => s.name);
  return { missing, code };
}

/**
 * The instruction lines llvm-objdump prints for raw bytecode (a `.bin`), as
 * for an object whose `.text` holds exactly these bytes and no symbols:
 * branch targets read `<.text+0x..>`. No header lines.
 */
export function listRaw(bytes: Uint8Array, options: ListingOptions = {}): string {
  const lines = listSection({
    name: '.text', bytes, size: bytes.length, executable: true, virtual: false, symbols: [], relocations: [],
  }, options);
  // Drop the blank line, the section header and the dummy `<.text>:` symbol line.
  return lines.slice(4).map((l) => `${l}\n`).join('');
}
