import { AsmError } from '../errors.js';
import type { Instruction } from '../instruction.js';
import * as op from '../opcodes.js';
import { callx, EXIT_INSN, parseCall } from './calls.js';
import { isConformanceMnemonic, parseConformance } from './conformance-syntax.js';
import { Cursor } from './cursor.js';
import { applyDirective, matchDirective, TEXT_SECTION, type SectionState } from './directives.js';
import { LabelTable, resolveFixups } from './labels.js';
import { stripComment, tokenize, type Token } from './lexer.js';
import { isLlvmStart, parseLlvm } from './llvm-syntax.js';
import type { Fixup, Statement } from './statement.js';

/**
 * Which syntax to read: `auto` decides line by line, so the suite's
 * `mov %r0, 1` and LLVM's `r0 = 1` may share a file.
 */
export type AsmSyntax = 'auto' | 'llvm' | 'conformance';

export interface AsmOptions {
  syntax?: AsmSyntax;
}

/** Instructions with what the source said about them. */
export interface AsmResult {
  /** One entry per 8-byte slot (lddw takes two). */
  insns: Instruction[];
  /** Each label and the slot it names. */
  labels: Map<string, number>;
  /** For each slot, the 1-based source line it came from. */
  lines: number[];
}

// A line of the kernel's verifier log or `bpftool prog dump xlated`: `12: (b7) r0 = 1`.
const KERNEL_LISTING_PREFIX = /^(\s*\d+:\s*\([0-9a-fA-F]{2}\)\s)/;

/** Assembles BPF assembly in either syntax; throws AsmError (line, column, reason) and nothing else. */
export function assemble(text: string, options: AsmOptions = {}): Instruction[] {
  return assembleDetailed(text, options).insns;
}

/** Only LLVM's / the kernel's syntax (`r0 = 1`, `if r1 > 5 goto +2`). */
export function assembleLlvm(text: string): Instruction[] {
  return assemble(text, { syntax: 'llvm' });
}

/** Only the conformance suite's syntax (`mov %r0, 1`, `jne %r3, 0x81, L1`). */
export function assembleConformance(text: string): Instruction[] {
  return assemble(text, { syntax: 'conformance' });
}

export function assembleDetailed(text: string, options: AsmOptions = {}): AsmResult {
  const syntax = options.syntax ?? 'auto';
  const insns: Instruction[] = [];
  const lines: number[] = [];
  const labels = new LabelTable();
  const fixups: Array<{ slot: number; fixup: Fixup }> = [];
  let section: SectionState = TEXT_SECTION;
  let codeSection: string | null = null;

  const sourceLines = text.split('\n');
  for (let index = 0; index < sourceLines.length; index++) {
    const lineNo = index + 1;
    let code = stripComment(sourceLines[index]);
    const directive = matchDirective(code);
    if (directive) {
      section = applyDirective(directive, lineNo, section);
      continue;
    }
    if (!section.code) continue;
    const prefix = KERNEL_LISTING_PREFIX.exec(code);
    if (prefix) code = ' '.repeat(prefix[1].length) + code.slice(prefix[1].length);

    let tokens = tokenize(code, lineNo);
    while (isLabel(tokens)) {
      labels.define(tokens[0].text, insns.length, lineNo, tokens[0].column);
      tokens = tokens.slice(2);
    }
    if (tokens.length === 0) continue;

    if (codeSection !== null && codeSection !== section.name) {
      throw new AsmError(lineNo, tokens[0].column,
        `instructions in section '${section.name}' after section '${codeSection}': assemble one section at a time`);
    }
    codeSection = section.name;

    const cursor = new Cursor(tokens, lineNo, code.trimEnd().length + 1);
    const statement = parseStatement(cursor, syntax);
    const slot = insns.length;
    if (statement.insns[0].opcode === (op.BPF_JMP | op.BPF_EXIT)) labels.noteExit(slot);
    if (statement.fixup) fixups.push({ slot, fixup: statement.fixup });
    for (const i of statement.insns) {
      insns.push(i);
      lines.push(lineNo);
    }
  }
  resolveFixups(insns, fixups, labels);
  return { insns, labels: labels.entries(), lines };
}

/** `name:` at the start of a statement (several may precede one instruction). */
function isLabel(tokens: readonly Token[]): boolean {
  return tokens.length >= 2 && tokens[0].kind === 'ident' && !tokens[0].text.startsWith('%')
    && tokens[1].kind === 'punct' && tokens[1].text === ':';
}

function parseStatement(c: Cursor, syntax: AsmSyntax): Statement {
  const first = c.peek() as Token;
  const word = first.kind === 'ident' ? first.text.toLowerCase() : '';
  if (word === 'exit') {
    c.next('exit');
    c.end();
    return EXIT_INSN();
  }
  if (word === 'call') {
    c.next('call');
    return parseCall(c, syntax === 'conformance' ? 'conformance' : 'llvm');
  }
  if (word === 'callx') {
    c.next('callx');
    return callx(c);
  }
  if (syntax !== 'conformance' && isLlvmStart(c)) return parseLlvm(c);
  if (syntax !== 'llvm' && isConformanceMnemonic(word)) return parseConformance(c);
  if (first.kind === 'ident' && first.text.startsWith('%')) throw c.error(first, `unknown mnemonic '${first.text}': a line starts with a mnemonic`);
  throw c.error(first, `unknown mnemonic '${first.text}'${syntax === 'auto' ? '' : ` (${syntax} syntax)`}`);
}
