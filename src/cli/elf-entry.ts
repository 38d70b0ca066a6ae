import { readCodeSections, type CodeSection } from '../elf/functions.js';
import { relocateCodeSection, type MapLocator, type RelocatedSection } from '../elf/code-relocations.js';
import { linkProgram, sortExtRecords } from '../elf/link.js';
import { parseObjectSpec } from '../elf/object.js';
import { readElf } from '../elf/read-elf.js';
import type { Instruction } from '../isa/instruction.js';
import { CliInputError } from './errors.js';

/** No maps exist under the conformance calling convention: a map reference fails to relocate. */
const NO_MAPS: MapLocator = {
  mapAt: () => null,
  mapName: (index) => `#${index}`,
  dataMap: () => null,
};

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
  const main = text?.functions.find((f) => f.name === 'main');
  if (main !== undefined) {
    const code = new Map<number, CodeSection>(sections.map((c) => [c.section.index, c]));
    const relocated = new Map<number, RelocatedSection>();
    for (const c of sections) relocated.set(c.section.index, relocateCodeSection(elf, c, code, NO_MAPS));
    return linkProgram(main, { code, relocated, records: sortExtRecords(null) }).insns;
  }
  const spec = parseObjectSpec(bytes);
  const program = spec.programs.find((p) => p.name === 'main') ?? spec.programs[0];
  if (program === undefined) throw new CliInputError('the ELF object has no program (no `main` in .text and no program section)');
  return program.insns;
}
