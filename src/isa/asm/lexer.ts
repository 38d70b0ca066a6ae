import { AsmError } from '../errors.js';

export type TokenKind = 'ident' | 'number' | 'punct';

/** One token of a source line; `column` is 1-based. */
export interface Token {
  kind: TokenKind;
  text: string;
  column: number;
}

// Longest first, so `<<=` wins over `<<` and `<`.
const PUNCTUATION = [
  '<<=', '>>=',
  '==', '!=', '>=', '<=', '+=', '-=', '*=', '/=', '%=', '|=', '&=', '^=', '<<', '>>',
  '=', '<', '>', '+', '-', '*', '/', '%', '&', '|', '^', '(', ')', '[', ']', ',', ':', '#', '!', '~',
];

// Candidates by first character, longest first.
const PUNCTUATION_BY_FIRST = new Map<string, string[]>();
for (const p of PUNCTUATION) PUNCTUATION_BY_FIRST.set(p[0], [...(PUNCTUATION_BY_FIRST.get(p[0]) ?? []), p]);

// `%r1` (the suite's registers) is one token; labels may hold `.` and `$` (`.LBB0_3`).
// Sticky (`y`) so each match starts exactly at lastIndex, without slicing the line.
const IDENT = /%?[A-Za-z_.$][A-Za-z0-9_.$]*/y;
const NUMBER = /(0[xX][0-9A-Za-z_]*|[0-9][0-9A-Za-z_]*)/y;

/**
 * The code part of a line: everything before a comment. `;`, `//` and `#`
 * start a comment, except a `#` between a name and a number: the kernel's own
 * listing writes helper calls as `call bpf_map_lookup_elem#1`.
 */
export function stripComment(line: string): string {
  let end = line.length;
  const semi = line.indexOf(';');
  if (semi >= 0) end = Math.min(end, semi);
  const slashes = line.indexOf('//');
  if (slashes >= 0) end = Math.min(end, slashes);
  for (let i = line.indexOf('#'); i >= 0 && i < end; i = line.indexOf('#', i + 1)) {
    const helperId = i > 0 && /[A-Za-z0-9_]/.test(line[i - 1]) && /[0-9]/.test(line[i + 1] ?? '');
    if (!helperId) {
      end = i;
      break;
    }
  }
  return line.slice(0, end);
}

/** Splits the code part of one line into tokens; `lineNo` is for errors. */
export function tokenize(code: string, lineNo: number, firstColumn = 1): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < code.length) {
    const ch = code[i];
    if (ch === ' ' || ch === '\t' || ch === '\r' || ch === '\f' || ch === '\v') {
      i++;
      continue;
    }
    const column = firstColumn + i;
    const number = matchAt(NUMBER, code, i);
    if (number !== null) {
      tokens.push({ kind: 'number', text: number, column });
      i += number.length;
      continue;
    }
    const ident = matchAt(IDENT, code, i);
    if (ident !== null) {
      tokens.push({ kind: 'ident', text: ident, column });
      i += ident.length;
      continue;
    }
    const punct = PUNCTUATION_BY_FIRST.get(ch)?.find((p) => code.startsWith(p, i));
    if (punct) {
      tokens.push({ kind: 'punct', text: punct, column });
      i += punct.length;
      continue;
    }
    throw new AsmError(lineNo, column, `unexpected character '${printable(String.fromCodePoint(code.codePointAt(i) ?? 0))}'`);
  }
  return tokens;
}

function matchAt(re: RegExp, text: string, at: number): string | null {
  re.lastIndex = at;
  const m = re.exec(text);
  return m === null ? null : m[0];
}

/** A character as it can be shown in a message (control characters escaped). */
export function printable(ch: string): string {
  const code = ch.codePointAt(0) ?? 0;
  return code < 0x20 || code === 0x7f ? `\\x${code.toString(16).padStart(2, '0')}` : ch;
}
