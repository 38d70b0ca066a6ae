// LLVM's BPF syntax (what llvm-objdump-19 prints and clang's inline asm takes),
// with the spellings of the kernel's own listing (verifier log, bpftool):
// `r0 = 1`, `w1 += w2`, `r3 = *(u16 *)(r1 + 0xc)`, `if r1 s> 5 goto +2`,
// `goto pc+1`, `lock *(u64 *)(r0 + 0) += r1`, `r0 = *(u8 *)skb[12]`, ...
import * as op from '../opcodes.js';
import type { Cursor } from './cursor.js';
import { parseAtomicCall, parseLock } from './llvm-atomics.js';
import { parseLoad, parseStore } from './llvm-memory.js';
import {
  imm32, isLiteralStart, isRegisterToken, parseImm32, parseLiteral, parseRegister, parseTarget, type Register,
} from './operands.js';
import { insn, lddw, single, targeted, type Statement } from './statement.js';

const COMPOUND: Record<string, number> = {
  '+=': op.BPF_ADD, '-=': op.BPF_SUB, '*=': op.BPF_MUL, '/=': op.BPF_DIV, '%=': op.BPF_MOD,
  '|=': op.BPF_OR, '&=': op.BPF_AND, '^=': op.BPF_XOR, '<<=': op.BPF_LSH, '>>=': op.BPF_RSH,
};
// `s>>=`, `s/=`, `s%=`: arithmetic shift, signed division and modulo (off = 1).
const SIGNED_COMPOUND: Record<string, { code: number; off: number }> = {
  '>>=': { code: op.BPF_ARSH, off: 0 }, '/=': { code: op.BPF_DIV, off: 1 }, '%=': { code: op.BPF_MOD, off: 1 },
};
const COMPARE: Record<string, number> = {
  '==': op.BPF_JEQ, '!=': op.BPF_JNE, '>': op.BPF_JGT, '>=': op.BPF_JGE, '<': op.BPF_JLT, '<=': op.BPF_JLE, '&': op.BPF_JSET,
};
const SIGNED_COMPARE: Record<string, number> = {
  '>': op.BPF_JSGT, '>=': op.BPF_JSGE, '<': op.BPF_JSLT, '<=': op.BPF_JSLE,
};

/** True when the statement starts the way only LLVM's syntax does. */
export function isLlvmStart(c: Cursor): boolean {
  const t = c.peek();
  if (t === undefined) return false;
  if (t.kind === 'punct') return t.text === '*';
  const word = t.text.toLowerCase();
  if (word === 'if' || word === 'goto' || word === 'gotol' || word === 'may_goto' || word === 'ld_pseudo') return true;
  if (word === 'lock') return c.at('*', 1);
  return !t.text.startsWith('%') && isRegisterToken(t);
}

export function parseLlvm(c: Cursor): Statement {
  const t = c.peek();
  const word = t?.kind === 'ident' ? t.text.toLowerCase() : t?.text;
  switch (word) {
    case 'if': return parseIf(c);
    case 'goto': return parseGoto(c, op.BPF_JMP, 'off');
    case 'gotol': return parseGoto(c, op.BPF_JMP32, 'imm');
    case 'may_goto': return parseMayGoto(c);
    case 'lock': return parseLock(c);
    case '*': return parseStore(c);
    case 'ld_pseudo': return parsePseudo(c);
    default: return parseAssign(c);
  }
}

/** A jump target, then llvm-objdump's `<.text+0x68>` annotation if present. */
function target(c: Cursor): ReturnType<typeof parseTarget> {
  const t = parseTarget(c);
  if (c.at('<')) {
    while (!c.done) c.next('annotation');
  }
  c.end();
  return t;
}

function parseGoto(c: Cursor, cls: number, field: 'off' | 'imm'): Statement {
  c.next('goto');
  return targeted(c, insn(cls | op.BPF_JA), target(c), field);
}

/** `may_goto +N`: the kernel's BPF_JCOND, a jump taken once the loop budget runs out. */
function parseMayGoto(c: Cursor): Statement {
  c.next('may_goto');
  return targeted(c, insn(op.BPF_JMP | op.BPF_JCOND), target(c), 'off');
}

function sameKind(c: Cursor, a: Register, b: Register): void {
  if (a.w !== b.w) throw c.error(b.token, `register '${b.token.text}' must be ${a.w ? 'w' : 'r'}${b.reg} like '${a.token.text}'`);
}

function parseIf(c: Cursor): Statement {
  c.next('if');
  const dst = parseRegister(c);
  const cls = dst.w ? op.BPF_JMP32 : op.BPF_JMP;
  let signed = false;
  if (c.at('s') && c.peek(1)?.kind === 'punct') {
    c.next('s');
    signed = true;
  }
  const cmp = c.next('comparison');
  const code = (signed ? SIGNED_COMPARE : COMPARE)[cmp.text];
  if (code === undefined || cmp.kind !== 'punct') throw c.error(cmp, `unknown comparison '${signed ? 's' : ''}${cmp.text}'`);
  let i;
  if (isRegisterToken(c.peek())) {
    const src = parseRegister(c);
    sameKind(c, dst, src);
    i = insn(cls | code | op.BPF_X, dst.reg, src.reg);
  } else {
    i = insn(cls | code | op.BPF_K, dst.reg, 0, 0, parseImm32(c, 'llvm'));
  }
  c.expect('goto');
  return targeted(c, i, target(c), 'off');
}

/** `ld_pseudo r1, 2, 5`: llvm-objdump's spelling of lddw with a pseudo source (map fd, map value, ...). */
function parsePseudo(c: Cursor): Statement {
  c.next('ld_pseudo');
  const dst = parseRegister(c);
  c.expect(',');
  const kindLit = parseLiteral(c, 'pseudo source');
  if (kindLit.value < 0n || kindLit.value > 15n) throw c.error(kindLit.token, `invalid pseudo source ${kindLit.value} (0..15)`);
  c.expect(',');
  const k = parseImm32(c, 'llvm');
  c.end();
  const s = lddw(dst.reg, BigInt(k >>> 0), Number(kindLit.value));
  return s;
}

function parseAssign(c: Cursor): Statement {
  const dst = parseRegister(c, 'register or mnemonic');
  const cls = dst.w ? op.BPF_ALU : op.BPF_ALU64;
  if (c.at('s') && c.peek(1)?.kind === 'punct') {
    c.next('s');
    const o = c.next('operator');
    const signed = SIGNED_COMPOUND[o.text];
    if (signed === undefined || o.kind !== 'punct') throw c.error(o, `unknown operator 's${o.text}'`);
    return aluOperand(c, dst, cls | signed.code, signed.off);
  }
  const o = c.next('operator');
  if (o.kind === 'punct' && o.text === '=') return parseRhs(c, dst);
  const code = COMPOUND[o.text];
  if (code === undefined || o.kind !== 'punct') throw c.error(o, `unknown operator '${o.text}'`);
  return aluOperand(c, dst, cls | code, 0);
}

/** The register or immediate source of an ALU instruction. */
function aluOperand(c: Cursor, dst: Register, opcode: number, off: number): Statement {
  if (isRegisterToken(c.peek())) {
    const src = parseRegister(c);
    sameKind(c, dst, src);
    c.end();
    return single(insn(opcode | op.BPF_X, dst.reg, src.reg, off));
  }
  const k = parseImm32(c, 'llvm');
  c.end();
  return single(insn(opcode | op.BPF_K, dst.reg, 0, off, k));
}

function parseRhs(c: Cursor, dst: Register): Statement {
  const cls = dst.w ? op.BPF_ALU : op.BPF_ALU64;
  const t = c.peek();
  if (t === undefined) throw c.errorAtEnd('expected a value after \'=\'');

  if (t.text === '-' && isRegisterToken(c.peek(1))) {
    c.next('-');
    const r = parseRegister(c);
    if (r.reg !== dst.reg || r.w !== dst.w) throw c.error(r.token, `negation works in place: write ${dst.token.text} = -${dst.token.text}`);
    c.end();
    return single(insn(cls | op.BPF_NEG, dst.reg));
  }
  if (isLiteralStart(c)) {
    const lit = parseLiteral(c, 'immediate');
    if (c.accept('ll')) {
      if (dst.w) throw c.error(dst.token, `a 64-bit immediate needs r${dst.reg}, not '${dst.token.text}'`);
      c.end();
      if (lit.value < -(1n << 63n) || lit.value >= 1n << 64n) throw c.error(lit.token, `immediate out of range: ${lit.value} (allowed -2^63..2^64-1)`);
      return lddw(dst.reg, BigInt.asUintN(64, lit.value));
    }
    const k = imm32(c, lit, 'llvm');
    c.end();
    return single(insn(cls | op.BPF_MOV | op.BPF_K, dst.reg, 0, 0, k));
  }
  if (isRegisterToken(t)) {
    const src = parseRegister(c);
    sameKind(c, dst, src);
    c.end();
    return single(insn(cls | op.BPF_MOV | op.BPF_X, dst.reg, src.reg));
  }
  if (t.text === '(') return parseMovsx(c, dst);
  if (t.text === '*') return parseLoad(c, dst);
  if (t.kind === 'ident') {
    const word = t.text.toLowerCase();
    const swap = /^(be|le|bswap)(16|32|64)$/.exec(word);
    if (swap) return parseSwap(c, dst, swap[1], Number(swap[2]));
    if (/^atomic(64)?_|^(xchg|cmpxchg)(32_32|_64)$/.test(word)) return parseAtomicCall(c, dst);
    if (word === 'addr_space_cast') return parseAddrSpaceCast(c, dst);
    if (c.at('ll', 1)) {
      // `r1 = func ll`: the address of a sub-program (BPF_PSEUDO_FUNC), as clang writes it.
      c.next('label');
      c.next('ll');
      c.end();
      if (dst.w) throw c.error(dst.token, `a 64-bit immediate needs r${dst.reg}, not '${dst.token.text}'`);
      const s = lddw(dst.reg, 0n, op.BPF_PSEUDO_FUNC);
      return { ...s, fixup: { label: t.text, field: 'imm', line: c.line, column: t.column } };
    }
  }
  throw c.error(t, `cannot assemble '${t.text}' as a value`);
}

/** `r1 = addr_space_cast(r2, 0x0, 0x1)`: a move with off 1 and imm = destination space << 16 | source space. */
function parseAddrSpaceCast(c: Cursor, dst: Register): Statement {
  c.next('addr_space_cast');
  c.expect('(');
  const src = parseRegister(c);
  sameKind(c, dst, src);
  if (dst.w) throw c.error(dst.token, `addr_space_cast needs 64-bit registers: write r${dst.reg}`);
  c.expect(',');
  const to = parseLiteral(c, 'destination address space');
  c.expect(',');
  const from = parseLiteral(c, 'source address space');
  c.expect(')');
  c.end();
  for (const lit of [to, from]) {
    if (lit.value < 0n || lit.value > 0xffffn) throw c.error(lit.token, `address space out of range: ${lit.value} (allowed 0..0xffff)`);
  }
  return single(insn(op.BPF_ALU64 | op.BPF_MOV | op.BPF_X, dst.reg, src.reg, 1, Number((to.value << 16n) | from.value)));
}

/** `r0 = (s8)r1`, `w0 = (s16)w1`: sign-extending moves (off = 8, 16, 32). */
function parseMovsx(c: Cursor, dst: Register): Statement {
  c.expect('(');
  const t = c.next('type');
  const m = t.kind === 'ident' ? /^s(8|16|32)$/.exec(t.text) : null;
  if (!m) throw c.error(t, `expected s8, s16 or s32 but found '${t.text}'`);
  const bits = Number(m[1]);
  if (dst.w && bits === 32) throw c.error(t, `'(s32)' needs 64-bit registers: write r${dst.reg} = (s32)r...`);
  c.expect(')');
  const src = parseRegister(c);
  sameKind(c, dst, src);
  c.end();
  return single(insn((dst.w ? op.BPF_ALU : op.BPF_ALU64) | op.BPF_MOV | op.BPF_X, dst.reg, src.reg, bits));
}

/** `r0 = be16 r0`, `r0 = le32 r0`, `r0 = bswap64 r0`: in place, so both registers are the same. */
function parseSwap(c: Cursor, dst: Register, kind: string, bits: number): Statement {
  const name = c.next('byte swap');
  const src = parseRegister(c);
  if (src.reg !== dst.reg || src.w !== dst.w) throw c.error(src.token, `${name.text} works in place: write ${dst.token.text} = ${name.text} ${dst.token.text}`);
  if (dst.w) throw c.error(dst.token, `${name.text} is written with r registers: r${dst.reg} = ${name.text} r${dst.reg}`);
  c.end();
  const opcode = kind === 'bswap' ? op.BPF_ALU64 | op.BPF_END : op.BPF_ALU | op.BPF_END | (kind === 'be' ? op.BPF_TO_BE : op.BPF_TO_LE);
  return single(insn(opcode, dst.reg, 0, 0, bits));
}
