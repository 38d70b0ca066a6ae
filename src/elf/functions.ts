import { decodeRaw, INSN_SIZE } from '../isa/encoding.js';
import type { Instruction } from '../isa/instruction.js';
import { SHF_EXECINSTR, SHT_PROGBITS, STT_FUNC } from './constants.js';
import { ElfError } from './errors.js';
import type { ElfSection, ElfSymbol } from './types.js';

/** A function of an executable section: slots [start, start + length). */
export interface ElfFunction {
  readonly name: string;
  readonly section: ElfSection;
  readonly start: number;
  readonly length: number;
  readonly global: boolean;
}

/** An executable section's raw instructions and the functions in it, sorted by start. */
export interface CodeSection {
  readonly section: ElfSection;
  readonly insns: Instruction[];
  readonly functions: readonly ElfFunction[];
}

export const isCodeSection = (s: ElfSection): boolean =>
  s.type === SHT_PROGBITS && (s.flags & SHF_EXECINSTR) !== 0 && s.size > 0;

/**
 * Splits every executable section into its functions (STT_FUNC symbols).
 * A section without function symbols is one function named after it.
 */
export function readCodeSections(sections: readonly ElfSection[], symbols: readonly ElfSymbol[]): CodeSection[] {
  const bySection = new Map<number, ElfSymbol[]>();
  for (const sym of symbols) {
    if (sym.type !== STT_FUNC) continue;
    const list = bySection.get(sym.sectionIndex);
    if (list === undefined) bySection.set(sym.sectionIndex, [sym]); else list.push(sym);
  }
  return sections.filter(isCodeSection).map((section) => {
    if (section.size % INSN_SIZE !== 0) {
      throw new ElfError(`size ${section.size} is not a multiple of ${INSN_SIZE} (instruction size)`, section.name, section.offset);
    }
    const insns = decodeRaw(section.data);
    const count = insns.length;
    const syms = (bySection.get(section.index) ?? []).slice().sort((a, b) => a.value - b.value);
    const functions: ElfFunction[] = [];
    syms.forEach((sym, i) => {
      const at = section.offset + Math.min(sym.value, section.size);
      if (sym.value % INSN_SIZE !== 0 || sym.size % INSN_SIZE !== 0) {
        throw new ElfError(`function '${sym.name}' at offset ${sym.value} (size ${sym.size}) is not instruction-aligned`, section.name, at);
      }
      const start = sym.value / INSN_SIZE;
      const next = i + 1 < syms.length ? syms[i + 1].value / INSN_SIZE : count;
      const length = sym.size > 0 ? sym.size / INSN_SIZE : next - start;
      if (start >= count || length <= 0 || start + length > count) {
        throw new ElfError(`function '${sym.name}' (slots ${start}..${start + length}) is outside the section (${count} instructions)`, section.name, at);
      }
      const prev = functions[functions.length - 1];
      if (prev !== undefined && start < prev.start + prev.length) {
        throw new ElfError(`function '${sym.name}' overlaps '${prev.name}'`, section.name, at);
      }
      functions.push({ name: sym.name, section, start, length, global: sym.bind !== 0 });
    });
    if (functions.length === 0) {
      functions.push({ name: section.name.replace(/[^A-Za-z0-9_]/g, '_'), section, start: 0, length: count, global: true });
    }
    return { section, insns, functions };
  });
}

/** The function of `code` that starts exactly at `slot`, if any. */
export function functionStartingAt(code: CodeSection, slot: number): ElfFunction | undefined {
  let lo = 0;
  let hi = code.functions.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const f = code.functions[mid];
    if (f.start === slot) return f;
    if (f.start < slot) lo = mid + 1; else hi = mid - 1;
  }
  return undefined;
}
