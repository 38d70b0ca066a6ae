// Loads and stores in LLVM's syntax: `r3 = *(u16 *)(r1 + 0xc)`, `*(u64 *)(r10 - 8) = r1`,
// `r0 = *(s8 *)(r1 + 0)` (sign-extending), and the legacy packet loads `r0 = *(u8 *)skb[12]`.
import * as op from '../opcodes.js';
import type { Cursor } from './cursor.js';
import type { Token } from './lexer.js';
import { imm32, isLiteralStart, isRegisterToken, off16, parseImm32, parseLiteral, parseRegister, type Register } from './operands.js';
import { insn, single, type Statement } from './statement.js';

const SIZE_OF: Record<string, number> = { 8: op.BPF_B, 16: op.BPF_H, 32: op.BPF_W, 64: op.BPF_DW };

/** `(u32 *)`: the access size and signedness of a load or store. */
export function parseCast(c: Cursor): { size: number; bits: number; signed: boolean; token: Token } {
  c.expect('(');
  const t = c.next('type');
  const m = t.kind === 'ident' ? /^([us])(8|16|32|64)$/.exec(t.text) : null;
  if (!m) throw c.error(t, `expected u8, u16, u32 or u64 but found '${t.text}'`);
  c.expect('*');
  c.expect(')');
  return { size: SIZE_OF[m[2]], bits: Number(m[2]), signed: m[1] === 's', token: t };
}

/** `r1 + 0x10`, `r10 - 8`, `r1 +0` or `r1`: base register and signed 16-bit offset. */
export function parseAddress(c: Cursor): { reg: number; off: number } {
  const r = parseRegister(c, 'base register');
  if (r.w) throw c.error(r.token, `address register must be r${r.reg}, not '${r.token.text}'`);
  const off = c.at('+') || c.at('-') ? off16(c, parseLiteral(c, 'offset')) : 0;
  return { reg: r.reg, off };
}

/** `(r1 + 8)` */
export function parseMemory(c: Cursor): { reg: number; off: number } {
  c.expect('(');
  const a = parseAddress(c);
  c.expect(')');
  return a;
}

/** A value register of a load, store or atomic of `bits`: `wN` only for 32 bits or less. */
export function valueRegister(c: Cursor, r: Register, bits: number): void {
  if (r.w && bits > 32) throw c.error(r.token, `a ${bits}-bit access needs r${r.reg}, not '${r.token.text}'`);
}

export function parseStore(c: Cursor): Statement {
  c.expect('*');
  const cast = parseCast(c);
  if (cast.signed) throw c.error(cast.token, `stores take u8, u16, u32 or u64, not '${cast.token.text}'`);
  const m = parseMemory(c);
  c.expect('=');
  if (isRegisterToken(c.peek())) {
    const src = parseRegister(c);
    valueRegister(c, src, cast.bits);
    c.end();
    return single(insn(op.BPF_STX | op.BPF_MEM | cast.size, m.reg, src.reg, m.off));
  }
  const k = parseImm32(c, 'llvm');
  c.end();
  return single(insn(op.BPF_ST | op.BPF_MEM | cast.size, m.reg, 0, m.off, k));
}

/** `r0 = *(u16 *)(r1 + 2)`, `r0 = *(s8 *)(r1 + 0)`, and the packet loads `r0 = *(u8 *)skb[12]`, `skb[r1 + 4]`. */
export function parseLoad(c: Cursor, dst: Register): Statement {
  c.expect('*');
  const cast = parseCast(c);
  if (c.at('skb')) return parseSkb(c, dst, cast);
  if (cast.signed && cast.bits === 64) throw c.error(cast.token, `sign-extending loads take s8, s16 or s32, not 's64'`);
  if (dst.w && (cast.bits > 32 || cast.signed)) throw c.error(dst.token, `a ${cast.token.text} load needs r${dst.reg}, not '${dst.token.text}'`);
  const m = parseMemory(c);
  c.end();
  return single(insn(op.BPF_LDX | (cast.signed ? op.BPF_MEMSX : op.BPF_MEM) | cast.size, dst.reg, m.reg, m.off));
}

function parseSkb(c: Cursor, dst: Register, cast: ReturnType<typeof parseCast>): Statement {
  const skb = c.next('skb');
  if (cast.signed || cast.bits > 32) throw c.error(cast.token, `packet loads take u8, u16 or u32, not '${cast.token.text}'`);
  if (dst.reg !== 0 || dst.w) throw c.error(dst.token, `packet loads always write r0, not '${dst.token.text}'`);
  c.expect('[');
  let s: Statement;
  if (isRegisterToken(c.peek())) {
    const r = parseRegister(c);
    if (r.w) throw c.error(r.token, `address register must be r${r.reg}, not '${r.token.text}'`);
    const k = c.at('+') || c.at('-') ? imm32(c, parseLiteral(c, 'offset'), 'llvm') : 0;
    s = single(insn(op.BPF_LD | op.BPF_IND | cast.size, 0, r.reg, 0, k));
  } else if (isLiteralStart(c)) {
    s = single(insn(op.BPF_LD | op.BPF_ABS | cast.size, 0, 0, 0, parseImm32(c, 'llvm')));
  } else {
    throw c.error(c.peek() ?? skb, `expected offset or register in skb[...]`);
  }
  c.expect(']');
  c.end();
  return s;
}
