// Property: the interpreter's lo/hi arithmetic equals a BigInt reference for
// every ALU operation, both widths, both operand sources, on random operands.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { createInterpreter } from '../../src/engine/interpreter/index.js';
import * as op from '../../src/isa/opcodes.js';
import { Arena } from '../../src/memory/arena.js';
import { alu32K, alu32X, alu64K, alu64X, exit, insn, lddw, movReg } from './build.js';

const M64 = (1n << 64n) - 1n;

/** The reference: RFC 9669 semantics written directly on BigInt. */
function reference(wide: boolean, code: number, off: number, a: bigint, b: bigint): bigint {
  const w = wide ? 64 : 32;
  const u = (x: bigint): bigint => BigInt.asUintN(w, x);
  const s = (x: bigint): bigint => BigInt.asIntN(w, x);
  const x = u(a);
  const y = u(b);
  const n = y & BigInt(w - 1);
  switch (code) {
    case op.BPF_ADD: return u(x + y);
    case op.BPF_SUB: return u(x - y);
    case op.BPF_MUL: return u(x * y);
    case op.BPF_DIV:
      if (y === 0n) return 0n;
      return off === 1 ? u(s(x) / s(y)) : x / y;
    case op.BPF_MOD:
      if (y === 0n) return x;
      return off === 1 ? u(s(x) % s(y)) : x % y;
    case op.BPF_OR: return x | y;
    case op.BPF_AND: return x & y;
    case op.BPF_XOR: return x ^ y;
    case op.BPF_LSH: return u(x << n);
    case op.BPF_RSH: return x >> n;
    case op.BPF_ARSH: return u(s(x) >> n);
    case op.BPF_NEG: return u(-x);
    case op.BPF_MOV: return off === 0 ? y : u(BigInt.asIntN(off, b));
    default: throw new Error(`no reference for ${code}`);
  }
}

function byteSwap(value: bigint, bits: number): bigint {
  let out = 0n;
  for (let i = 0; i < bits / 8; i++) out = (out << 8n) | ((value >> BigInt(8 * i)) & 0xffn);
  return out;
}

const u64 = fc.oneof(
  fc.constantFrom(0n, 1n, 2n, M64, M64 - 1n, 1n << 63n, (1n << 63n) - 1n, 0x80000000n, 0x7fffffffn, 0xffffffffn,
    0x100000000n, 0xffffffff80000000n, 0xffffffff00000000n, 31n, 32n, 63n, 64n),
  fc.bigInt({ min: 0n, max: M64 }),
  fc.bigInt({ min: 0n, max: 0xffffffffn }),
);
const imm32 = fc.oneof(
  fc.constantFrom(0, 1, -1, 2, -2, 31, 32, 63, 64, 0x7fffffff, -0x80000000, 0x80, 0xffff),
  fc.integer({ min: -0x80000000, max: 0x7fffffff }),
);

interface Case { name: string; wide: boolean; code: number; off: number; reg: boolean }
const CODES: Array<[string, number]> = [
  ['add', op.BPF_ADD], ['sub', op.BPF_SUB], ['mul', op.BPF_MUL], ['div', op.BPF_DIV], ['or', op.BPF_OR],
  ['and', op.BPF_AND], ['lsh', op.BPF_LSH], ['rsh', op.BPF_RSH], ['mod', op.BPF_MOD], ['xor', op.BPF_XOR],
  ['mov', op.BPF_MOV], ['arsh', op.BPF_ARSH],
];
const cases: Case[] = [];
for (const wide of [true, false]) {
  for (const reg of [true, false]) {
    for (const [name, code] of CODES) cases.push({ name, wide, code, off: 0, reg });
    for (const [name, code] of [['sdiv', op.BPF_DIV], ['smod', op.BPF_MOD]] as const) cases.push({ name, wide, code, off: 1, reg });
  }
  cases.push({ name: 'neg', wide, code: op.BPF_NEG, off: 0, reg: false });
  for (const bits of wide ? [8, 16, 32] : [8, 16]) cases.push({ name: `movsx${bits}`, wide, code: op.BPF_MOV, off: bits, reg: true });
}

const arena = new Arena();

/** r0 after `r1 = a; r2 = b; <op> r1, (r2 | imm); r0 = r1`. */
function runOp(c: Case, a: bigint, b: bigint, imm: number): bigint {
  const alu = c.wide ? (c.reg ? alu64X : alu64K) : (c.reg ? alu32X : alu32K);
  const operation = c.code === op.BPF_NEG ? alu(c.code, 1, 0) : alu(c.code, 1, c.reg ? 2 : imm, c.off);
  return runInsns([...lddw(1, a), ...lddw(2, b), operation, movReg(0, 1), exit()]);
}

function runInsns(insns: ReturnType<typeof lddw>): bigint {
  const exe = createInterpreter({ insns }, { arena, helpers: new Map() });
  try {
    return exe.run([]);
  } finally {
    exe.dispose();
  }
}

for (const c of cases) {
  const label = `${c.name}${c.wide ? '64' : '32'} ${c.reg ? 'reg' : 'imm'}`;
  test(`ALU ${label} equals the BigInt reference`, () => {
    fc.assert(fc.property(u64, u64, imm32, (a, b, imm) => {
      const operand = c.reg ? b : BigInt.asUintN(64, BigInt(imm));
      const want = reference(c.wide, c.code, c.off, a, operand);
      assert.equal(runOp(c, a, b, imm), want, `${label} a=0x${a.toString(16)} b=0x${operand.toString(16)}`);
    }), { numRuns: 250 });
  });
}

test('byte swaps (le, be, bswap) equal the BigInt reference', () => {
  fc.assert(fc.property(u64, fc.constantFrom(16, 32, 64), (a, bits) => {
    const mask = (1n << BigInt(bits)) - 1n;
    const le = runInsns([...lddw(0, a), insn(op.BPF_ALU | op.BPF_END | op.BPF_TO_LE, 0, 0, 0, bits), exit()]);
    const be = runInsns([...lddw(0, a), insn(op.BPF_ALU | op.BPF_END | op.BPF_TO_BE, 0, 0, 0, bits), exit()]);
    const bswap = runInsns([...lddw(0, a), insn(op.BPF_ALU64 | op.BPF_END | op.BPF_K, 0, 0, 0, bits), exit()]);
    assert.equal(le, a & mask);
    assert.equal(be, byteSwap(a & mask, bits));
    assert.equal(bswap, byteSwap(a & mask, bits));
  }), { numRuns: 300 });
});
