// Atomics in LLVM's and the kernel's syntax: `lock *(u64 *)(r0 + 0) += r1` and the
// fetching forms written as calls (`atomic_fetch_add(...)`, `xchg_64(...)`, `cmpxchg_64(...)`).
import * as op from '../opcodes.js';
import type { Cursor } from './cursor.js';
import type { Token } from './lexer.js';
import { parseAddress, parseCast, parseMemory, valueRegister } from './llvm-memory.js';
import { parseRegister, type Register } from './operands.js';
import { insn, single, type Statement } from './statement.js';

const LOCK_OPS: Record<string, number> = { '+=': op.BPF_ADD, '|=': op.BPF_OR, '&=': op.BPF_AND, '^=': op.BPF_XOR };
const FETCH_OPS: Record<string, number> = { add: op.BPF_ADD, and: op.BPF_AND, or: op.BPF_OR, xor: op.BPF_XOR };

function atomicSize(c: Cursor, bits: number, token: Token): number {
  if (bits !== 32 && bits !== 64) throw c.error(token, `atomic operations take u32 or u64, not '${token.text}'`);
  return bits === 32 ? op.BPF_W : op.BPF_DW;
}

/** `lock *(u64 *)(r1 + 0) += r2` */
export function parseLock(c: Cursor): Statement {
  c.next('lock');
  c.expect('*');
  const cast = parseCast(c);
  if (cast.signed) throw c.error(cast.token, `atomic operations take u32 or u64, not '${cast.token.text}'`);
  const size = atomicSize(c, cast.bits, cast.token);
  const m = parseMemory(c);
  const o = c.next('atomic operator');
  const code = LOCK_OPS[o.text];
  if (code === undefined || o.kind !== 'punct') throw c.error(o, `unknown atomic operator '${o.text}' (+=, |=, &= or ^=)`);
  const src = parseRegister(c);
  valueRegister(c, src, cast.bits);
  c.end();
  return single(insn(op.BPF_STX | op.BPF_ATOMIC | size, m.reg, src.reg, m.off, code));
}

/**
 * The fetching atomics, as LLVM prints them (`atomic_fetch_add((u64 *)(r0 + 0), r1)`,
 * `xchg_64(r0 + 0, r1)`, `xchg32_32(...)`, `cmpxchg_64(r1 + 0, r0, r2)`) and as the
 * kernel does (`atomic64_fetch_add(...)`, `atomic64_xchg(...)`, `atomic_cmpxchg(...)`).
 */
export function parseAtomicCall(c: Cursor, dst: Register): Statement {
  const nameToken = c.next('atomic operation');
  const name = nameToken.text.toLowerCase();
  const llvm = /^(xchg|cmpxchg)(32_32|_64)$/.exec(name);
  const kernel = /^atomic(64)?_(fetch_(add|and|or|xor)|xchg|cmpxchg)$/.exec(name);
  if (!llvm && !kernel) throw c.error(nameToken, `unknown atomic operation '${nameToken.text}'`);
  c.expect('(');
  let bits: number;
  let address: { reg: number; off: number };
  if (llvm) {
    bits = llvm[2] === '_64' ? 64 : 32;
    address = parseAddress(c);
  } else {
    const cast = parseCast(c);
    if (cast.signed) throw c.error(cast.token, `atomic operations take u32 or u64, not '${cast.token.text}'`);
    atomicSize(c, cast.bits, cast.token);
    if (kernel?.[1] === '64' && cast.bits !== 64) throw c.error(cast.token, `'${nameToken.text}' works on u64, not '${cast.token.text}'`);
    bits = cast.bits;
    address = parseMemory(c);
  }
  const size = bits === 32 ? op.BPF_W : op.BPF_DW;
  const base = llvm ? llvm[1] : kernel?.[2] ?? '';
  let imm: number;
  if (base === 'cmpxchg') {
    imm = op.BPF_CMPXCHG;
    c.expect(',');
    const r0 = parseRegister(c);
    if (r0.reg !== 0 || dst.reg !== 0) throw c.error(r0.reg !== 0 ? r0.token : dst.token, `cmpxchg compares with and writes r0`);
    valueRegister(c, r0, bits);
  } else if (base === 'xchg') {
    imm = op.BPF_XCHG;
  } else {
    imm = FETCH_OPS[kernel?.[3] ?? ''] | op.BPF_FETCH;
  }
  c.expect(',');
  const src = parseRegister(c);
  valueRegister(c, src, bits);
  valueRegister(c, dst, bits);
  c.expect(')');
  c.end();
  if (base !== 'cmpxchg' && src.reg !== dst.reg) {
    throw c.error(src.token, `${nameToken.text} returns the old value in its source register: write ${src.token.text} = ${nameToken.text}(..., ${src.token.text})`);
  }
  return single(insn(op.BPF_STX | op.BPF_ATOMIC | size, address.reg, src.reg, address.off, imm));
}
