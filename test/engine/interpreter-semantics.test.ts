// Edge cases of RFC 9669 semantics in the interpreter, one by one.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { codeAddress } from '../../src/engine/abi.js';
import * as op from '../../src/isa/opcodes.js';
import {
  alu32K, alu32X, alu64K, alu64X, atomic, call, callx, exit, insn, ja, jmpK, jmpX, lddw, ldsx, ldx, mov64, movReg, st, stx,
} from './build.js';
import { load, run } from './run.js';

const { BPF_W, BPF_H, BPF_B, BPF_DW } = op;
const hex = (v: bigint): string => `0x${v.toString(16)}`;

describe('division and modulo', () => {
  const cases: Array<[string, ReturnType<typeof alu64K>[], bigint]> = [
    ['div64 by zero register gives 0', [mov64(0, 7), mov64(1, 0), alu64X(op.BPF_DIV, 0, 1)], 0n],
    ['div32 by zero immediate gives 0', [mov64(0, -1), alu32K(op.BPF_DIV, 0, 0)], 0n],
    ['mod64 by zero leaves dst', [mov64(0, -7), mov64(1, 0), alu64X(op.BPF_MOD, 0, 1)], 0xfffffffffffffff9n],
    ['mod32 by zero leaves dst truncated', [mov64(0, -7), mov64(1, 0), alu32X(op.BPF_MOD, 0, 1)], 0xfffffff9n],
    ['smod32 by zero leaves dst truncated', [mov64(0, -7), alu32K(op.BPF_MOD, 0, 0, 1)], 0xfffffff9n],
    ['sdiv64 INT64_MIN / -1 = INT64_MIN', [...lddw(0, 1n << 63n), alu64K(op.BPF_DIV, 0, -1, 1)], 1n << 63n],
    ['smod64 INT64_MIN % -1 = 0', [...lddw(0, 1n << 63n), alu64K(op.BPF_MOD, 0, -1, 1)], 0n],
    ['sdiv32 INT32_MIN / -1 = INT32_MIN', [mov64(0, -0x80000000), alu32K(op.BPF_DIV, 0, -1, 1)], 0x80000000n],
    ['smod32 INT32_MIN % -1 = 0', [mov64(0, -0x80000000), alu32K(op.BPF_MOD, 0, -1, 1)], 0n],
    ['sdiv64 truncates toward zero', [mov64(0, -7), alu64K(op.BPF_DIV, 0, 2, 1)], 0xfffffffffffffffdn],
    ['smod64 takes the sign of the dividend', [mov64(0, -7), alu64K(op.BPF_MOD, 0, 2, 1)], 0xffffffffffffffffn],
    ['udiv64 of a 64-bit value by a 64-bit value', [...lddw(0, 0xfffffffffffffffen), ...lddw(1, 0x100000000n), alu64X(op.BPF_DIV, 0, 1)], 0xffffffffn],
    ['udiv64 by an immediate that sign-extends', [...lddw(0, 0xfffffffffffffffen), alu64K(op.BPF_DIV, 0, -1)], 0n],
    ['div32 uses only the low halves', [...lddw(0, 0x1_0000_0010n), ...lddw(1, 0x1_0000_0004n), alu32X(op.BPF_DIV, 0, 1)], 4n],
  ];
  for (const [name, body, want] of cases) {
    test(name, () => assert.equal(hex(run([...body, exit()])), hex(want)));
  }
});

describe('shifts, moves, signs', () => {
  const cases: Array<[string, ReturnType<typeof alu64K>[], bigint]> = [
    ['lsh64 masks the count by 63', [mov64(0, 1), mov64(1, 65), alu64X(op.BPF_LSH, 0, 1)], 2n],
    ['lsh32 masks the count by 31 and zero-extends', [mov64(0, -1), mov64(1, 33), alu32X(op.BPF_LSH, 0, 1)], 0xfffffffen],
    ['rsh64 across halves', [...lddw(0, 0x8000_0000_0000_0000n), alu64K(op.BPF_RSH, 0, 33)], 0x4000_0000n],
    ['arsh64 by 32 keeps the sign', [...lddw(0, 0x8000_0001_0000_0000n), alu64K(op.BPF_ARSH, 0, 32)], 0xffffffff80000001n],
    ['arsh32 sign-extends in 32 bits then zero-extends', [mov64(0, -16), alu32K(op.BPF_ARSH, 0, 2)], 0xfffffffcn],
    ['mov32 zero-extends', [mov64(0, -1), alu32X(op.BPF_MOV, 0, 0)], 0xffffffffn],
    ['mov64 imm sign-extends', [mov64(0, -2)], 0xfffffffffffffffen],
    ['movsx8 64', [mov64(1, 0x180), alu64X(op.BPF_MOV, 0, 1, 8)], 0xffffffffffffff80n],
    ['movsx16 32 zero-extends the upper half', [mov64(1, 0x8000), alu32X(op.BPF_MOV, 0, 1, 16)], 0xffff8000n],
    ['movsx32 64', [...lddw(1, 0x1_8000_0000n), alu64X(op.BPF_MOV, 0, 1, 32)], 0xffffffff80000000n],
    ['neg64 of INT64_MIN', [...lddw(0, 1n << 63n), alu64K(op.BPF_NEG, 0, 0)], 1n << 63n],
    ['neg32 zero-extends', [mov64(0, 1), alu32K(op.BPF_NEG, 0, 0)], 0xffffffffn],
    ['add64 carries into the high half', [...lddw(0, 0xffffffffn), alu64K(op.BPF_ADD, 0, 1)], 0x100000000n],
    ['sub64 borrows from the high half', [...lddw(0, 0x100000000n), alu64K(op.BPF_SUB, 0, 1)], 0xffffffffn],
    ['mul32 wraps and zero-extends', [mov64(0, 0x10000), alu32K(op.BPF_MUL, 0, 0x10001)], 0x10000n],
    ['le16 truncates', [...lddw(0, 0x1122334455667788n), insn(op.BPF_ALU | op.BPF_END | op.BPF_TO_LE, 0, 0, 0, 16)], 0x7788n],
    ['be32 swaps and zero-extends', [...lddw(0, 0x1122334455667788n), insn(op.BPF_ALU | op.BPF_END | op.BPF_TO_BE, 0, 0, 0, 32)], 0x88776655n],
    ['bswap64', [...lddw(0, 0x1122334455667788n), insn(op.BPF_ALU64 | op.BPF_END, 0, 0, 0, 64)], 0x8877665544332211n],
  ];
  for (const [name, body, want] of cases) {
    test(name, () => assert.equal(hex(run([...body, exit()])), hex(want)));
  }
});

describe('jumps', () => {
  /** r0 = 1 when the jump is taken, 0 otherwise. */
  const taken = (setup: ReturnType<typeof mov64>[], jump: ReturnType<typeof mov64>): bigint =>
    run([...setup, mov64(0, 1), jump, mov64(0, 0), exit()]);
  const high5 = lddw(1, 0x1_0000_0005n);
  test('jeq compares 64 bits, jeq32 only the low half', () => {
    assert.equal(taken(high5, jmpK(op.BPF_JEQ, 1, 5, 1)), 0n);
    assert.equal(taken(high5, jmpK(op.BPF_JEQ, 1, 5, 1, op.BPF_JMP32)), 1n);
  });
  test('immediates sign-extend to 64 bits', () => {
    assert.equal(taken([mov64(1, -1)], jmpK(op.BPF_JEQ, 1, -1, 1)), 1n);
    assert.equal(taken([...lddw(1, 0xffffffffn)], jmpK(op.BPF_JEQ, 1, -1, 1)), 0n);
  });
  test('unsigned and signed orders', () => {
    assert.equal(taken([mov64(1, -1)], jmpK(op.BPF_JGT, 1, 5, 1)), 1n);
    assert.equal(taken([mov64(1, -1)], jmpK(op.BPF_JSGT, 1, 5, 1)), 0n);
    assert.equal(taken([mov64(1, -1)], jmpK(op.BPF_JSLT, 1, 0, 1)), 1n);
    assert.equal(taken([mov64(1, 5)], jmpK(op.BPF_JGE, 1, 5, 1)), 1n);
    assert.equal(taken([mov64(1, 5)], jmpK(op.BPF_JLE, 1, 4, 1)), 0n);
    assert.equal(taken([mov64(1, -6), mov64(2, -5)], jmpX(op.BPF_JSLE, 1, 2, 1)), 1n);
    assert.equal(taken([mov64(1, 4), mov64(2, 5)], jmpX(op.BPF_JLT, 1, 2, 1)), 1n);
    assert.equal(taken([...lddw(1, 0x1_0000_0000n)], jmpK(op.BPF_JSGT, 1, 0, 1, op.BPF_JMP32)), 0n);
    assert.equal(taken([mov64(1, 0x80000000 | 0)], jmpK(op.BPF_JSLT, 1, 0, 1, op.BPF_JMP32)), 1n);
  });
  test('jset in both widths', () => {
    assert.equal(taken(lddw(1, 0x1_0000_0000n), jmpK(op.BPF_JSET, 1, -1, 1)), 1n);
    assert.equal(taken(lddw(1, 0x1_0000_0000n), jmpK(op.BPF_JSET, 1, -1, 1, op.BPF_JMP32)), 0n);
  });
  test('ja uses off, gotol (JMP32 ja) uses imm', () => {
    assert.equal(run([mov64(0, 1), ja(1), mov64(0, 2), exit()]), 1n);
    assert.equal(run([mov64(0, 1), insn(op.BPF_JMP32 | op.BPF_JA, 0, 0, 0, 1), mov64(0, 2), exit()]), 1n);
  });
});

describe('loads and stores', () => {
  const mem = Uint8Array.from([0x80, 0xff, 0x01, 0x80, 0x11, 0x22, 0x33, 0x84, 0, 0, 0, 0, 0, 0, 0, 0]);
  test('loads zero-extend, ldsx sign-extends', () => {
    assert.equal(hex(run([ldx(BPF_B, 0, 1, 0), exit()], mem)), '0x80');
    assert.equal(hex(run([ldsx(BPF_B, 0, 1, 0), exit()], mem)), '0xffffffffffffff80');
    assert.equal(hex(run([ldx(BPF_H, 0, 1, 2), exit()], mem)), '0x8001');
    assert.equal(hex(run([ldsx(BPF_H, 0, 1, 2), exit()], mem)), '0xffffffffffff8001');
    assert.equal(hex(run([ldx(BPF_W, 0, 1, 4), exit()], mem)), '0x84332211');
    assert.equal(hex(run([ldsx(BPF_W, 0, 1, 4), exit()], mem)), '0xffffffff84332211');
    assert.equal(hex(run([ldx(BPF_DW, 0, 1, 0), exit()], mem)), '0x843322118001ff80');
  });
  test('st sign-extends its immediate to the size, stx stores the low bytes', () => {
    const l = load([st(BPF_DW, 1, 8, -2), st(BPF_H, 1, 0, 0x12345), mov64(2, 0x778899), stx(BPF_B, 1, 2, 2), mov64(0, 0), exit()], mem);
    l.run();
    assert.deepEqual([...l.arena.bytes.slice(l.at, l.at + 16)],
      [0x45, 0x23, 0x99, 0x80, 0x11, 0x22, 0x33, 0x84, 0xfe, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]);
  });
  test('a negative offset from r10 addresses the frame', () => {
    assert.equal(run([st(BPF_W, 10, -4, 7), ldx(BPF_W, 0, 10, -4), exit()]), 7n);
  });
  test('the stack is zero at every run', () => {
    const l = load([ldx(BPF_DW, 0, 10, -8), st(BPF_DW, 10, -8, 9), exit()]);
    assert.equal(l.run(), 0n);
    assert.equal(l.run(), 0n);
  });
});

describe('atomics', () => {
  const at = (value: bigint, body: ReturnType<typeof mov64>[]): ReturnType<typeof mov64>[] =>
    [...lddw(3, value), stx(BPF_DW, 10, 3, -8), ...body];
  const mem64 = ldx(BPF_DW, 0, 10, -8);
  const cases: Array<[string, ReturnType<typeof mov64>[], bigint]> = [
    ['add64 without fetch keeps src', at(5n, [mov64(1, 3), atomic(BPF_DW, 10, 1, -8, op.BPF_ADD), movReg(0, 1)]), 3n],
    ['add64 updates memory with carry', at(0xffffffffn, [mov64(1, 1), atomic(BPF_DW, 10, 1, -8, op.BPF_ADD), mem64]), 0x100000000n],
    ['fetch_add64 returns the old value', at(5n, [mov64(1, 3), atomic(BPF_DW, 10, 1, -8, op.BPF_ADD | op.BPF_FETCH), movReg(0, 1)]), 5n],
    ['fetch_or64', at(0x10n, [mov64(1, 1), atomic(BPF_DW, 10, 1, -8, op.BPF_OR | op.BPF_FETCH), mem64]), 0x11n],
    ['fetch_and64', at(0x13n, [mov64(1, 6), atomic(BPF_DW, 10, 1, -8, op.BPF_AND | op.BPF_FETCH), mem64]), 0x2n],
    ['fetch_xor64', at(0x13n, [mov64(1, 6), atomic(BPF_DW, 10, 1, -8, op.BPF_XOR | op.BPF_FETCH), mem64]), 0x15n],
    ['add32 touches only 4 bytes', at(0x1_ffff_ffffn, [mov64(1, 1), atomic(BPF_W, 10, 1, -8, op.BPF_ADD), mem64]), 0x1_0000_0000n],
    ['fetch_add32 zero-extends the old value into src',
      at(0xffff_fff0n, [mov64(1, -1), atomic(BPF_W, 10, 1, -8, op.BPF_ADD | op.BPF_FETCH), movReg(0, 1)]), 0xffff_fff0n],
    ['xchg64', at(7n, [mov64(1, 9), atomic(BPF_DW, 10, 1, -8, op.BPF_XCHG), alu64X(op.BPF_LSH, 1, 1), mem64, alu64X(op.BPF_ADD, 0, 1)]), 9n + (7n << 7n)],
    ['xchg32 zero-extends', at(0x8000_0000n, [mov64(1, -1), atomic(BPF_W, 10, 1, -8, op.BPF_XCHG), movReg(0, 1)]), 0x8000_0000n],
    ['cmpxchg64 swaps when r0 matches', at(7n, [mov64(0, 7), mov64(1, 9), atomic(BPF_DW, 10, 1, -8, op.BPF_CMPXCHG), mem64]), 9n],
    ['cmpxchg64 keeps memory otherwise', at(7n, [mov64(0, 8), mov64(1, 9), atomic(BPF_DW, 10, 1, -8, op.BPF_CMPXCHG), mem64]), 7n],
    ['cmpxchg64 loads the old value into r0', at(7n, [mov64(0, 8), mov64(1, 9), atomic(BPF_DW, 10, 1, -8, op.BPF_CMPXCHG)]), 7n],
    ['cmpxchg32 compares the low half of r0', at(7n, [...lddw(0, 0x5_0000_0007n), mov64(1, 9), atomic(BPF_W, 10, 1, -8, op.BPF_CMPXCHG), mem64]), 9n],
    ['cmpxchg32 zero-extends r0', at(0xffff_ffffn, [mov64(0, 0), mov64(1, 9), atomic(BPF_W, 10, 1, -8, op.BPF_CMPXCHG)]), 0xffff_ffffn],
  ];
  for (const [name, body, want] of cases) {
    test(name, () => assert.equal(hex(run([...body, exit()])), hex(want)));
  }
});

describe('lddw, function addresses, callx', () => {
  test('lddw loads all 64 bits', () => {
    assert.equal(run([...lddw(0, 0x1122334455667788n), exit()]), 0x1122334455667788n);
  });
  test('lddw of BPF_PSEUDO_FUNC loads the code address, callx calls it', () => {
    // slot 0-1: r2 = &f (slot 5); 2: callx r2; 3: add r0, 1; 4: exit; 5: f: r0 = 41; 6: exit
    const insns = [...lddw(2, 4n, op.BPF_PSEUDO_FUNC), callx(2), alu64K(op.BPF_ADD, 0, 1), exit(), mov64(0, 41), exit()];
    insns[0] = { ...insns[0], imm: 4 };
    assert.equal(run(insns), 42n);
    const loadOnly = [...lddw(0, 0n, op.BPF_PSEUDO_FUNC), exit(), exit()];
    loadOnly[0] = { ...loadOnly[0], imm: 1 };
    assert.equal(run(loadOnly), codeAddress(2)); // slot 0 + imm 1 + 1
  });
  test('callx with a small number calls that helper', () => {
    const helpers = new Map([[7, (_env: unknown, r1: bigint) => r1 * 2n]]);
    assert.equal(run([mov64(1, 21), mov64(2, 7), callx(2), exit()], undefined, { helpers }), 42n);
  });
  test('callx to a value that is neither fails', () => {
    assert.throws(() => run([...lddw(2, 0xffff_0000_0000_0000n), callx(2), exit()]), /pc 2: callx r2/);
  });
  test('helpers get r1..r5 and return r0', () => {
    const seen: bigint[][] = [];
    const helpers = new Map([[1, (_e: unknown, ...args: bigint[]) => { seen.push(args); return -1n; }]]);
    assert.equal(run([mov64(1, 1), mov64(2, -2), mov64(3, 3), mov64(4, 4), mov64(5, 5), call(1), exit()], undefined, { helpers }),
      0xffffffffffffffffn);
    assert.deepEqual(seen, [[1n, 0xfffffffffffffffen, 3n, 4n, 5n]]);
  });
});
