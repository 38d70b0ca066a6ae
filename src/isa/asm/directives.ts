// The assembler directives of clang's `-S` output that a BPF program can carry.
// Only code is assembled: lines in data sections (.maps, license, .BTF, debug
// info) are skipped, and instructions must all come from one code section.
import { AsmError } from '../errors.js';

/** Directives with no effect on the instructions (symbol bookkeeping, alignment, debug line info). */
const IGNORED = new Set([
  '.file', '.globl', '.global', '.local', '.weak', '.hidden', '.protected', '.internal',
  '.p2align', '.align', '.balign', '.type', '.size', '.addrsig', '.addrsig_sym', '.ident',
  '.loc', '.cfi_sections', '.cfi_startproc', '.cfi_endproc', '.cfi_def_cfa', '.cfi_offset',
]);
const DATA_SECTIONS = new Set(['.data', '.bss', '.rodata']);

/** Which section the following lines belong to. */
export interface SectionState {
  name: string;
  code: boolean;
}

export const TEXT_SECTION: SectionState = { name: '.text', code: true };

/** A directive line (`.name args`, not a label `.LBB0_1:`): its name, column and arguments. */
export function matchDirective(code: string): { name: string; column: number; args: string } | null {
  const m = /^(\s*)(\.[A-Za-z_$][A-Za-z0-9_.$]*)(?![A-Za-z0-9_.$]|\s*:)(.*)$/.exec(code);
  return m ? { name: m[2], column: m[1].length + 1, args: m[3].trim() } : null;
}

/** Applies one directive to the section state, or refuses an unknown one. */
export function applyDirective(
  d: { name: string; column: number; args: string },
  line: number,
  section: SectionState,
): SectionState {
  const name = d.name.toLowerCase();
  if (name === '.text') return TEXT_SECTION;
  if (DATA_SECTIONS.has(name)) return { name, code: false };
  if (name === '.section' || name === '.pushsection') return sectionDirective(d.args, line, d.column);
  if (IGNORED.has(name) || !section.code) return section;
  throw new AsmError(line, d.column, `unknown directive '${d.name}'`);
}

/** `.section xdp,"ax",@progbits`: code when its flags hold `x` or it is a `.text` section. */
function sectionDirective(args: string, line: number, column: number): SectionState {
  const [rawName = '', flags = ''] = args.split(',').map((s) => s.trim());
  const name = rawName.replace(/^"|"$/g, '');
  if (name === '') throw new AsmError(line, column, 'expected a section name after .section');
  return { name, code: name === '.text' || name.startsWith('.text.') || flags.replace(/"/g, '').includes('x') };
}
