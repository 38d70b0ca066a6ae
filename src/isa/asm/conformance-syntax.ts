// The conformance suite's syntax: `mnemonic op, op, op` with `%rN` registers and
// `[%rN+off]` memory operands (bpf_conformance's and uBPF's assembler).
import * as op from '../opcodes.js';
import { callx, EXIT_INSN, parseCall } from './calls.js';
import { Cursor } from './cursor.js';
import type { Token } from './lexer.js';
import { isRegisterToken, off16, parseImm32, parseImm64, parseLiteral, parseRegister, parseTarget } from './operands.js';
import { insn, lddw, single, targeted, type Statement } from './statement.js';

type Operands = Cursor[];
type Encoder = (ops: Operands, c: Cursor) => Statement;

interface Form {
  count: number;
  encode: Encoder;
}

const SIZES: Record<string, number> = { b: op.BPF_B, h: op.BPF_H, w: op.BPF_W, dw: op.BPF_DW };

const ALU_OPS: Record<string, { code: number; off?: number }> = {
  add: { code: op.BPF_ADD }, sub: { code: op.BPF_SUB }, mul: { code: op.BPF_MUL },
  div: { code: op.BPF_DIV }, sdiv: { code: op.BPF_DIV, off: 1 },
  mod: { code: op.BPF_MOD }, smod: { code: op.BPF_MOD, off: 1 },
  or: { code: op.BPF_OR }, and: { code: op.BPF_AND }, xor: { code: op.BPF_XOR },
  lsh: { code: op.BPF_LSH }, rsh: { code: op.BPF_RSH }, arsh: { code: op.BPF_ARSH },
  mov: { code: op.BPF_MOV },
};

const JMP_OPS: Record<string, number> = {
  jeq: op.BPF_JEQ, jgt: op.BPF_JGT, jge: op.BPF_JGE, jset: op.BPF_JSET, jne: op.BPF_JNE,
  jsgt: op.BPF_JSGT, jsge: op.BPF_JSGE, jlt: op.BPF_JLT, jle: op.BPF_JLE, jslt: op.BPF_JSLT, jsle: op.BPF_JSLE,
};

const ATOMIC_OPS: Record<string, number> = {
  add: op.BPF_ADD, or: op.BPF_OR, and: op.BPF_AND, xor: op.BPF_XOR, xchg: op.BPF_XCHG, cmpxchg: op.BPF_CMPXCHG,
};

function reg(c: Cursor): number {
  const r = parseRegister(c);
  c.end();
  return r.reg;
}

function imm(c: Cursor): number {
  const v = parseImm32(c, 'conformance');
  c.end();
  return v;
}

/** `[%rN]`, `[%rN+off]` or `[%rN-off]`. */
function mem(c: Cursor): { reg: number; off: number } {
  const t = c.peek();
  if (t === undefined) throw c.errorAtEnd('expected memory operand [%rN+offset]');
  if (!c.at('[')) throw c.error(t, `expected memory operand [%rN+offset] but found '${t.text}'`);
  c.next('[');
  const r = parseRegister(c);
  let off = 0;
  if (c.at('+') || c.at('-')) off = off16(c, parseLiteral(c, 'offset'));
  c.expect(']');
  c.end();
  return { reg: r.reg, off };
}

function alu(cls: number, code: number, fixedOff = 0): Encoder {
  return ([dst, src]) => {
    const d = reg(dst);
    if (isRegisterToken(src.peek())) return single(insn(cls | code | op.BPF_X, d, reg(src), fixedOff));
    return single(insn(cls | code | op.BPF_K, d, 0, fixedOff, imm(src)));
  };
}

function jump(cls: number, code: number): Encoder {
  return ([dst, src, target], c) => {
    const d = reg(dst);
    const i = isRegisterToken(src.peek())
      ? insn(cls | code | op.BPF_X, d, reg(src))
      : insn(cls | code | op.BPF_K, d, 0, 0, imm(src));
    const t = parseTarget(target);
    target.end();
    return targeted(c, i, t, 'off');
  };
}

function buildTable(): Map<string, Form> {
  const table = new Map<string, Form>();
  for (const [name, { code, off }] of Object.entries(ALU_OPS)) {
    table.set(name, { count: 2, encode: alu(op.BPF_ALU64, code, off) });
    table.set(`${name}64`, { count: 2, encode: alu(op.BPF_ALU64, code, off) });
    table.set(`${name}32`, { count: 2, encode: alu(op.BPF_ALU, code, off) });
  }
  for (const [suffix, cls] of [['', op.BPF_ALU64], ['64', op.BPF_ALU64], ['32', op.BPF_ALU]] as const) {
    table.set(`neg${suffix}`, { count: 1, encode: ([dst]) => single(insn(cls | op.BPF_NEG, reg(dst))) });
  }
  // movsx<from><to>: sign-extend the low <from> bits into a <to>-bit register.
  for (const [from, to] of [[8, 32], [16, 32], [8, 64], [16, 64], [32, 64]]) {
    const cls = to === 32 ? op.BPF_ALU : op.BPF_ALU64;
    table.set(`movsx${from}${to}`, {
      count: 2,
      encode: ([dst, src]) => single(insn(cls | op.BPF_MOV | op.BPF_X, reg(dst), reg(src), from)),
    });
  }
  for (const bits of [16, 32, 64]) {
    const end = (opcode: number): Form => ({ count: 1, encode: ([dst]) => single(insn(opcode, reg(dst), 0, 0, bits)) });
    table.set(`le${bits}`, end(op.BPF_ALU | op.BPF_END | op.BPF_TO_LE));
    table.set(`be${bits}`, end(op.BPF_ALU | op.BPF_END | op.BPF_TO_BE));
    table.set(`swap${bits}`, end(op.BPF_ALU64 | op.BPF_END));
    table.set(`bswap${bits}`, end(op.BPF_ALU64 | op.BPF_END));
  }
  for (const [s, size] of Object.entries(SIZES)) {
    table.set(`ldx${s}`, {
      count: 2,
      encode: ([dst, src]) => {
        const d = reg(dst);
        const m = mem(src);
        return single(insn(op.BPF_LDX | op.BPF_MEM | size, d, m.reg, m.off));
      },
    });
    if (s !== 'dw') {
      table.set(`ldxs${s}`, {
        count: 2,
        encode: ([dst, src]) => {
          const d = reg(dst);
          const m = mem(src);
          return single(insn(op.BPF_LDX | op.BPF_MEMSX | size, d, m.reg, m.off));
        },
      });
      table.set(`ldabs${s}`, { count: 1, encode: ([k]) => single(insn(op.BPF_LD | op.BPF_ABS | size, 0, 0, 0, imm(k))) });
      table.set(`ldind${s}`, {
        count: 2,
        encode: ([src, k]) => {
          const r = reg(src);
          return single(insn(op.BPF_LD | op.BPF_IND | size, 0, r, 0, imm(k)));
        },
      });
    }
    table.set(`st${s}`, {
      count: 2,
      encode: ([dst, k]) => {
        const m = mem(dst);
        return single(insn(op.BPF_ST | op.BPF_MEM | size, m.reg, 0, m.off, imm(k)));
      },
    });
    table.set(`stx${s}`, {
      count: 2,
      encode: ([dst, src]) => {
        const m = mem(dst);
        return single(insn(op.BPF_STX | op.BPF_MEM | size, m.reg, reg(src), m.off));
      },
    });
  }
  table.set('lddw', {
    count: 2,
    encode: ([dst, value], c) => {
      const d = reg(dst);
      const t = value.peek();
      if (t?.kind === 'ident' && !t.text.startsWith('%')) {
        // `lddw %r1, func`: the address of a sub-program, as clang's `r1 = func ll`.
        value.next('label');
        value.end();
        const s = lddw(d, 0n, op.BPF_PSEUDO_FUNC);
        return { ...s, fixup: { label: t.text, field: 'imm', line: c.line, column: t.column } };
      }
      const v = parseImm64(value);
      value.end();
      return lddw(d, v);
    },
  });
  for (const [name, code] of Object.entries(JMP_OPS)) {
    table.set(name, { count: 3, encode: jump(op.BPF_JMP, code) });
    table.set(`${name}64`, { count: 3, encode: jump(op.BPF_JMP, code) });
    table.set(`${name}32`, { count: 3, encode: jump(op.BPF_JMP32, code) });
  }
  const ja = (cls: number, field: 'off' | 'imm'): Form => ({
    count: 1,
    encode: ([target], c) => {
      const t = parseTarget(target);
      target.end();
      return targeted(c, insn(cls | op.BPF_JA), t, field);
    },
  });
  table.set('ja', ja(op.BPF_JMP, 'off'));
  table.set('ja32', ja(op.BPF_JMP32, 'imm'));
  table.set('exit', { count: 0, encode: () => EXIT_INSN() });
  table.set('callx', { count: 1, encode: ([r]) => callx(r) });
  return table;
}

const TABLE = buildTable();

export function isConformanceMnemonic(name: string): boolean {
  const lower = name.toLowerCase();
  return TABLE.has(lower) || lower === 'lock' || lower === 'call';
}

/** Splits the tokens after the mnemonic into comma-separated operands, each with its own cursor. */
function operands(c: Cursor, from: number): Operands {
  const groups: Operands = [];
  let current: Token[] = [];
  const all = c.tokens.slice(from);
  if (all.length === 0) return groups;
  for (const t of all) {
    if (t.kind === 'punct' && t.text === ',') {
      groups.push(new Cursor(current, c.line, t.column));
      current = [];
    } else {
      current.push(t);
    }
  }
  groups.push(new Cursor(current, c.line, c.endColumn));
  return groups;
}

function count(n: number): string {
  return `${n} operand${n === 1 ? '' : 's'}`;
}

/** Assembles one statement whose first token is a mnemonic of the suite's syntax. */
export function parseConformance(c: Cursor): Statement {
  const mnemonicToken = c.next('mnemonic');
  const mnemonic = mnemonicToken.text.toLowerCase();
  if (mnemonic === 'call') return parseCall(c, 'conformance');
  if (mnemonic === 'lock') return parseLock(c, mnemonicToken);
  const form = TABLE.get(mnemonic);
  if (!form || mnemonicToken.kind !== 'ident') throw c.error(mnemonicToken, `unknown mnemonic '${mnemonicToken.text}'`);
  const ops = operands(c, 1);
  if (ops.length !== form.count) {
    throw c.error(mnemonicToken, `wrong operand count: '${mnemonic}' takes ${count(form.count)}, got ${ops.length}`);
  }
  ops.forEach((o, i) => {
    if (o.done) throw c.error(o.endColumn, `operand ${i + 1} of '${mnemonic}' is empty`);
  });
  return form.encode(ops, c);
}

/** `lock [fetch] <op>[32|64] [%rN+off], %rM`: the atomic read-modify-write instructions. */
function parseLock(c: Cursor, lockToken: Token): Statement {
  let fetch = false;
  if (c.at('fetch') && c.peek(1)?.kind === 'ident' && !c.peek(1)?.text.startsWith('%')) {
    c.next('fetch');
    fetch = true;
  }
  const opToken = c.peek();
  if (opToken === undefined || opToken.kind !== 'ident' || opToken.text.startsWith('%')) {
    throw c.error(lockToken, `wrong operand count: 'lock' takes an operation and 2 operands`);
  }
  c.next('atomic operation');
  const m = /^(add|or|and|xor|xchg|cmpxchg)(32|64)?$/.exec(opToken.text.toLowerCase());
  if (!m) throw c.error(opToken, `unknown mnemonic 'lock ${opToken.text}'`);
  const size = m[2] === '32' ? op.BPF_W : op.BPF_DW;
  const ops = operands(c, fetch ? 3 : 2);
  if (ops.length !== 2 || ops.some((o) => o.done)) {
    throw c.error(lockToken, `wrong operand count: 'lock ${m[0]}' takes 2 operands, got ${ops.filter((o) => !o.done).length}`);
  }
  const code = ATOMIC_OPS[m[1]];
  const dst = mem(ops[0]);
  const src = reg(ops[1]);
  return single(insn(op.BPF_STX | op.BPF_ATOMIC | size, dst.reg, src, dst.off, fetch ? code | op.BPF_FETCH : code));
}
