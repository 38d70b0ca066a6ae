import { readCodeSections, type CodeSection, type ElfFunction } from '../elf/functions.js';
import { relocateCodeSection, type MapLocator, type RelocatedSection } from '../elf/code-relocations.js';
import { linkProgram, sortExtRecords } from '../elf/link.js';
import { parseObjectSpec } from '../elf/object.js';
import { readElf } from '../elf/read-elf.js';
import type { Instruction } from '../isa/instruction.js';
import { CliInputError } from './errors.js';

/**
 * No maps exist under the conformance calling convention: a reference to a
 * map or to global data is refused, saying which.
 */
function noMaps(sectionName: (index: number) => string): MapLocator {
  const refuse = (what: string, index: number): never => {
    throw new CliInputError(`main refers to ${what} in section ${sectionName(index)}: programs run with r1 = memory, r2 = its length have no maps or global data`);
  };
  return {
    mapAt: (sectionIndex) => (/^\.?maps/.test(sectionName(sectionIndex)) ? refuse('a map', sectionIndex) : null),
    mapName: (index) => `#${index}`,
    dataMap: (sectionIndex) => (/^\.(data|rodata|bss)/.test(sectionName(sectionIndex)) ? refuse('global data', sectionIndex) : null),
  };
}

/**
 * The program of an ELF object that `tsbpf run` and the conformance plugin
 * run: the function `main` of `.text` (the upstream runner's `--elf`
 * convention) linked with the functions it calls; otherwise the program
 * (libbpf section) named `main`, otherwise the first program.
 */
export function elfEntryProgram(bytes: Uint8Array): Instruction[] {
  const elf = readElf(bytes);
  const sections = readCodeSections(elf.sections, elf.symbols);
  const text = sections.find((c) => c.section.name === '.text');
  const main = textMain(sections);
  if (text !== undefined && main !== undefined) {
    const code = new Map<number, CodeSection>(sections.map((c) => [c.section.index, c]));
    // Only .text, where main and the functions it calls live: other sections' programs (and their maps) do not matter here.
    const locator = noMaps((i) => elf.sections[i]?.name ?? `#${i}`);
    const relocated = new Map<number, RelocatedSection>([[text.section.index, relocateCodeSection(elf, text, code, locator)]]);
    return linkProgram(main, { code, relocated, records: sortExtRecords(null) }).insns;
  }
  const spec = parseObjectSpec(bytes);
  const program = spec.programs.find((p) => p.name === 'main') ?? spec.programs[0];
  if (program === undefined) throw new CliInputError('the ELF object has no program (no `main` in .text and no program section)');
  return program.insns;
}

/** The function `main` of `.text`, the conformance runner's --elf entry, if there is one. */
function textMain(sections: readonly CodeSection[]): ElfFunction | undefined {
  return sections.find((c) => c.section.name === '.text')?.functions.find((f) => f.name === 'main');
}

/** True when the object has a `main` in `.text`, which `tsbpf run` runs before any program section. */
export function hasTextMain(bytes: Uint8Array): boolean {
  const elf = readElf(bytes);
  return textMain(readCodeSections(elf.sections, elf.symbols)) !== undefined;
}
