import type { AsmError } from '../errors.js';
import type { Cursor } from './cursor.js';
import type { Token } from './lexer.js';

const INT16_MIN = -0x8000n;
const INT16_MAX = 0x7fffn;
const INT32_MIN = -0x8000_0000n;
const INT32_MAX = 0x7fff_ffffn;
const UINT32_MAX = 0xffff_ffffn;
const INT64_MIN = -0x8000_0000_0000_0000n;
const UINT64_MAX = 0xffff_ffff_ffff_ffffn;

/** An integer as written: its value, whether it was hexadecimal, and where it starts. */
export interface Literal {
  value: bigint;
  hex: boolean;
  token: Token;
}

/** A register operand: number 0..10, and whether it was spelled as a 32-bit `wN`. */
export interface Register {
  reg: number;
  w: boolean;
  token: Token;
}

/** Where a jump or call goes: a relative slot count, or a label resolved later. */
export type Target =
  | { kind: 'offset'; value: bigint; token: Token }
  | { kind: 'label'; name: string; token: Token };

/**
 * How wide an imm32 may be written. The suite's assembler takes decimals as
 * signed (its negative test refuses `mov32 %r0, 2147483648`) and hexadecimals
 * as bit patterns up to 0xffffffff; LLVM takes -2^31..2^32-1 in either base.
 */
export type Imm32Rule = 'conformance' | 'llvm';

const REGISTER = /^%?([rw])([0-9]+)$/i;

export function isRegisterToken(t: Token | undefined): boolean {
  return t !== undefined && t.kind === 'ident' && (t.text.startsWith('%') || REGISTER.test(t.text));
}

/** A register: `%rN` (the suite) or `rN`/`wN` (LLVM); r11 and above are refused. */
export function parseRegister(c: Cursor, what = 'register'): Register {
  const t = c.next(what);
  const m = t.kind === 'ident' ? REGISTER.exec(t.text) : null;
  if (t.kind === 'ident' && t.text.startsWith('%') && !m) throw c.error(t, `invalid register '${t.text}'`);
  if (!m) throw c.error(t, `expected ${what} but found '${t.text}'`);
  const reg = Number(m[2]);
  if (m[2].length > 2 || reg > 10) throw c.error(t, `invalid register '${t.text}' (registers are r0..r10)`);
  if (t.text.startsWith('%') && m[1].toLowerCase() === 'w') throw c.error(t, `invalid register '${t.text}'`);
  return { reg, w: m[1].toLowerCase() === 'w', token: t };
}

/** An integer literal with an optional sign: decimal or 0x-hexadecimal. */
export function parseLiteral(c: Cursor, what = 'number'): Literal {
  const first = c.peek();
  let negative = false;
  if (c.at('-') || c.at('+')) {
    negative = c.next(what).text === '-';
  }
  const t = c.next(what);
  if (t.kind !== 'number') throw c.error(t, `expected ${what} but found '${t.text}'`);
  const text = t.text.toLowerCase();
  const hex = text.startsWith('0x');
  if (!(hex ? /^0x[0-9a-f]+$/ : /^[0-9]+$/).test(text)) throw c.error(t, `invalid number '${t.text}'`);
  // A leading 0 makes a number octal, as in LLVM's assembler.
  const octal = !hex && text.length > 1 && text.startsWith('0');
  if (octal && !/^[0-7]+$/.test(text)) throw c.error(t, `invalid octal number '${t.text}'`);
  const magnitude = BigInt(octal ? `0o${text.slice(1)}` : text);
  return { value: negative ? -magnitude : magnitude, hex, token: first ?? t };
}

export function isLiteralStart(c: Cursor): boolean {
  const t = c.peek();
  if (t === undefined) return false;
  if (t.kind === 'number') return true;
  return (t.text === '-' || t.text === '+') && c.peek(1)?.kind === 'number';
}

/** A 32-bit immediate as the signed value stored in `imm`. */
export function parseImm32(c: Cursor, rule: Imm32Rule): number {
  return imm32(c, parseLiteral(c, 'immediate'), rule);
}

export function imm32(c: Cursor, lit: Literal, rule: Imm32Rule): number {
  const max = rule === 'conformance' && !lit.hex ? INT32_MAX : UINT32_MAX;
  if (lit.value < INT32_MIN || lit.value > max) {
    throw outOfRange(c, lit, 'immediate', `${INT32_MIN}..${max === INT32_MAX ? INT32_MAX : '0xffffffff'}`);
  }
  return Number(BigInt.asIntN(32, lit.value));
}

/** A 64-bit immediate (lddw) as its unsigned bit pattern. */
export function parseImm64(c: Cursor): bigint {
  const lit = parseLiteral(c, 'immediate');
  if (lit.value < INT64_MIN || lit.value > UINT64_MAX) {
    throw outOfRange(c, lit, 'immediate', '-2^63..2^64-1');
  }
  return BigInt.asUintN(64, lit.value);
}

/** A signed 16-bit offset, from a literal whose sign is already part of its value. */
export function off16(c: Cursor, lit: Literal): number {
  if (lit.value < INT16_MIN || lit.value > INT16_MAX) throw outOfRange(c, lit, 'offset', '-32768..32767');
  return Number(lit.value);
}

/** A relative jump written with a sign (`+2`, `-0x3`), a bare count, `pc+2`, or a label. */
export function parseTarget(c: Cursor): Target {
  const t = c.peek();
  if (t === undefined) throw c.errorAtEnd('expected jump target');
  if (t.kind === 'ident' && t.text.toLowerCase() === 'pc' && (c.at('+', 1) || c.at('-', 1))) {
    c.next('pc');
    const lit = parseLiteral(c, 'jump offset');
    return { kind: 'offset', value: lit.value, token: t };
  }
  if (isLiteralStart(c)) {
    const lit = parseLiteral(c, 'jump offset');
    return { kind: 'offset', value: lit.value, token: lit.token };
  }
  if (t.kind === 'ident' && !t.text.startsWith('%')) {
    c.next('label');
    return { kind: 'label', name: t.text, token: t };
  }
  throw c.error(t, `expected jump target but found '${t.text}'`);
}

/** Checks a relative jump or call offset against its field: 16 bits for `off`, 32 for `imm`. */
export function relative(c: Cursor, value: bigint, field: 'off' | 'imm', token: Token): number {
  const [min, max] = field === 'off' ? [INT16_MIN, INT16_MAX] : [INT32_MIN, INT32_MAX];
  if (value < min || value > max) throw c.error(token, `jump out of range: ${value} does not fit a ${field === 'off' ? '16' : '32'}-bit offset`);
  return Number(value);
}

function outOfRange(c: Cursor, lit: Literal, what: string, range: string): AsmError {
  const shown = lit.hex ? `${lit.value < 0n ? '-' : ''}0x${(lit.value < 0n ? -lit.value : lit.value).toString(16)}` : String(lit.value);
  return c.error(lit.token, `${what} out of range: ${shown} (allowed ${range})`);
}
