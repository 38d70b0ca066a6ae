// Every instruction class in the JIT (checked and unchecked) against the
// interpreter, the reference semantics: each program applies one operation
// to a table of interesting operands held in memory and stores every result
// back, so one run compares hundreds of cases (results, flags of jumps,
// loaded and stored bytes, old values of atomics).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createInterpreter } from '../../src/engine/interpreter/index.js';
import { createJit } from '../../src/engine/jit/index.js';
import type { Instruction } from '../../src/isa/instruction.js';
import * as op from '../../src/isa/opcodes.js';
import { outcomeDiff, outcomeOf } from '../support/engine-outcome.js';
import { alu32K, alu32X, alu64K, alu64X, atomic, exit, insn, jmpK, jmpX, lddw, ldsx, ldx, mov64, movReg, st, stx } from './build.js';

const VALUES: readonly bigint[] = [
  0n, 1n, 2n, 3n, 7n, 31n, 32n, 33n, 63n, 64n, 0xffn, 0x7fffn, 0x8000n, 0xffffn, 0x7fff_ffffn, 0x8000_0000n,
  0xffff_ffffn, 0x1_0000_0000n, 0xffff_ffff_8000_0000n, 0x8000_0000_0000_0000n, 0x7fff_ffff_ffff_ffffn,
  0xffff_ffff_ffff_fffen, 0xffff_ffff_ffff_ffffn, 0x0123_4567_89ab_cdefn, 0xfedc_ba98_7654_3210n,
];
const IMMS: readonly number[] = [0, 1, -1, 2, -2, 3, 7, 31, 32, 33, 63, 64, 0xff, 0x7fff_ffff, -0x8000_0000, 0x1234_5678, -0x7654_3211];

const ENGINES = [
  { name: 'jit checked', checked: true },
  { name: 'jit unchecked', checked: false },
];

/** Memory holding a table of 64-bit words. */
function words(values: readonly bigint[], extra = 0): Uint8Array {
  const mem = new Uint8Array(8 * (values.length + extra));
  const view = new DataView(mem.buffer);
  values.forEach((v, i) => view.setBigUint64(8 * i, BigInt.asUintN(64, v), true));
  return mem;
}

/** Loop over `count` records of `stride` bytes at r1; `body` works on r6 = the record. r7 counts down. */
function loop(count: number, stride: number, body: Instruction[]): Instruction[] {
  return [
    movReg(6, 1),
    mov64(7, count),
    ...body,
    alu64K(op.BPF_ADD, 6, stride),
    alu64K(op.BPF_SUB, 7, 1),
    jmpK(op.BPF_JNE, 7, 0, -(body.length + 3)),
    mov64(0, 0),
    exit(),
  ];
}

function agree(insns: Instruction[], mem: Uint8Array): void {
  const budget = 1_000_000;
  const reference = outcomeOf(createInterpreter, insns, mem, { budget });
  assert.match(reference.result, /^0x/, `the interpreter failed: ${reference.result}`);
  for (const engine of ENGINES) {
    const diff = outcomeDiff(reference, outcomeOf(createJit, insns, mem, { budget, checked: engine.checked }));
    assert.equal(diff, null, `${engine.name}: ${diff}`);
  }
}

/** All pairs (a, b) of VALUES as records [a, b, result]. */
const PAIRS = VALUES.flatMap((a) => VALUES.map((b) => [a, b, 0n])).flat();

const BINARY: ReadonlyArray<[string, number, number]> = [
  ['add', op.BPF_ADD, 0], ['sub', op.BPF_SUB, 0], ['mul', op.BPF_MUL, 0], ['div', op.BPF_DIV, 0], ['sdiv', op.BPF_DIV, 1],
  ['mod', op.BPF_MOD, 0], ['smod', op.BPF_MOD, 1], ['or', op.BPF_OR, 0], ['and', op.BPF_AND, 0], ['xor', op.BPF_XOR, 0],
  ['lsh', op.BPF_LSH, 0], ['rsh', op.BPF_RSH, 0], ['arsh', op.BPF_ARSH, 0], ['mov', op.BPF_MOV, 0],
];

describe('jit: ALU and ALU64', () => {
  for (const [name, code, off] of BINARY) {
    for (const wide of [true, false]) {
      const suffix = wide ? '' : '32';
      test(`${name}${suffix} reg: ${VALUES.length ** 2} operand pairs`, () => {
        const aluX = wide ? alu64X : alu32X;
        agree(loop(VALUES.length ** 2, 24, [
          ldx(op.BPF_DW, 2, 6, 0),
          ldx(op.BPF_DW, 3, 6, 8),
          aluX(code, 2, 3, off),
          stx(op.BPF_DW, 6, 2, 16),
        ]), words(PAIRS));
      });
      test(`${name}${suffix} imm: ${VALUES.length} values x ${IMMS.length} immediates`, () => {
        const aluK = wide ? alu64K : alu32K;
        const body = IMMS.flatMap((imm, i) => [ldx(op.BPF_DW, 2, 6, 0), aluK(code, 2, imm, off), stx(op.BPF_DW, 6, 2, 8 + 8 * i)]);
        const records = VALUES.flatMap((v) => [v, ...IMMS.map(() => 0n)]);
        agree(loop(VALUES.length, 8 * (IMMS.length + 1), body), words(records));
      });
    }
  }

  test('neg, neg32, movsx (8, 16, 32 to 64; 8, 16 to 32), mov32 zero-extension', () => {
    const body = [
      [insn(op.BPF_ALU64 | op.BPF_NEG, 2)],
      [insn(op.BPF_ALU | op.BPF_NEG, 2)],
      [alu64X(op.BPF_MOV, 2, 2, 8)],
      [alu64X(op.BPF_MOV, 2, 2, 16)],
      [alu64X(op.BPF_MOV, 2, 2, 32)],
      [alu32X(op.BPF_MOV, 2, 2, 8)],
      [alu32X(op.BPF_MOV, 2, 2, 16)],
      [alu32X(op.BPF_MOV, 2, 2)],
    ].flatMap((ops, i) => [ldx(op.BPF_DW, 2, 6, 0), ...ops, stx(op.BPF_DW, 6, 2, 8 + 8 * i)]);
    agree(loop(VALUES.length, 72, body), words(VALUES.flatMap((v) => [v, 0n, 0n, 0n, 0n, 0n, 0n, 0n, 0n])));
  });

  test('le16/32/64, be16/32/64, bswap16/32/64', () => {
    const ends = [
      ...[16, 32, 64].map((imm) => insn(op.BPF_ALU | op.BPF_END | op.BPF_TO_LE, 2, 0, 0, imm)),
      ...[16, 32, 64].map((imm) => insn(op.BPF_ALU | op.BPF_END | op.BPF_TO_BE, 2, 0, 0, imm)),
      ...[16, 32, 64].map((imm) => insn(op.BPF_ALU64 | op.BPF_END, 2, 0, 0, imm)),
    ];
    const body = ends.flatMap((end, i) => [ldx(op.BPF_DW, 2, 6, 0), end, stx(op.BPF_DW, 6, 2, 8 + 8 * i)]);
    agree(loop(VALUES.length, 80, body), words(VALUES.flatMap((v) => [v, ...ends.map(() => 0n)])));
  });

  test('a 64-bit division of INT_MIN by -1 in a register gives INT_MIN, modulo gives 0 (no WebAssembly trap)', () => {
    for (const engine of ENGINES) {
      const insns = [
        mov64(2, -1),
        mov64(3, 1), alu64K(op.BPF_LSH, 3, 63),
        movReg(4, 3), alu64X(op.BPF_DIV, 4, 2, 1),
        movReg(5, 3), alu64X(op.BPF_MOD, 5, 2, 1),
        movReg(0, 4), alu64X(op.BPF_XOR, 0, 3), alu64X(op.BPF_OR, 0, 5),
        exit(),
      ];
      assert.equal(outcomeOf(createJit, insns, new Uint8Array(8), { checked: engine.checked }).result, '0x0');
    }
  });
});

const CONDITIONS: ReadonlyArray<[string, number]> = [
  ['jeq', op.BPF_JEQ], ['jne', op.BPF_JNE], ['jgt', op.BPF_JGT], ['jge', op.BPF_JGE], ['jlt', op.BPF_JLT], ['jle', op.BPF_JLE],
  ['jsgt', op.BPF_JSGT], ['jsge', op.BPF_JSGE], ['jslt', op.BPF_JSLT], ['jsle', op.BPF_JSLE], ['jset', op.BPF_JSET],
];

describe('jit: JMP and JMP32', () => {
  for (const [name, code] of CONDITIONS) {
    for (const cls of [op.BPF_JMP, op.BPF_JMP32]) {
      const label = `${name}${cls === op.BPF_JMP32 ? '32' : ''}`;
      test(`${label} reg and imm: taken or not, for every operand pair and immediate`, () => {
        // r8 = flags: bit 0 from the register compare, bits 1.. from each immediate
        const body: Instruction[] = [ldx(op.BPF_DW, 2, 6, 0), ldx(op.BPF_DW, 3, 6, 8), mov64(8, 0), jmpX(code, 2, 3, 1, cls), alu64K(op.BPF_OR, 8, 1)];
        IMMS.forEach((imm, i) => body.push(jmpK(code, 2, imm, 1, cls), alu64K(op.BPF_OR, 8, 2 << i)));
        body.push(stx(op.BPF_DW, 6, 8, 16));
        agree(loop(VALUES.length ** 2, 24, body), words(PAIRS));
      });
    }
  }

  test('ja and gotol skip what they jump over', () => {
    const insns = [
      mov64(0, 1),
      insn(op.BPF_JMP | op.BPF_JA, 0, 0, 1),
      mov64(0, 2),
      insn(op.BPF_JMP32 | op.BPF_JA, 0, 0, 0, 1),
      mov64(0, 3),
      exit(),
    ];
    agree(insns, new Uint8Array(8));
    assert.equal(outcomeOf(createJit, insns, new Uint8Array(8)).result, '0x1');
  });
});

describe('jit: loads, stores and atomics', () => {
  const BYTES = Uint8Array.from({ length: 64 }, (_, i) => (i * 37 + 0x81) & 0xff);

  test('ldx and ldxs of every size at every offset of a block (unaligned included)', () => {
    const body: Instruction[] = [];
    for (const size of [op.BPF_B, op.BPF_H, op.BPF_W, op.BPF_DW]) {
      for (let off = 0; off + op.sizeBytes(size) <= 24; off += 3) {
        body.push(ldx(size, 2, 1, off), stx(op.BPF_DW, 1, 2, 32 + 8 * (body.length % 4)));
        if (size !== op.BPF_DW) body.push(ldsx(size, 3, 1, off), stx(op.BPF_DW, 1, 3, 32 + 8 * (body.length % 4)));
        body.push(alu64X(op.BPF_ADD, 0, 2));
      }
    }
    agree([mov64(0, 0), ...body, exit()], BYTES);
  });

  test('st and stx of every size, at positive and negative offsets, on memory and on the stack', () => {
    const body: Instruction[] = [movReg(6, 1), alu64K(op.BPF_ADD, 6, 40)];
    [op.BPF_B, op.BPF_H, op.BPF_W, op.BPF_DW].forEach((size, i) => {
      body.push(ldx(op.BPF_DW, 2, 1, 8 * i));
      body.push(stx(size, 1, 2, 3 + 5 * i), st(size, 1, 22 + 4 * i, -0x1234_5679 + i));
      body.push(stx(size, 6, 2, -8 - 2 * i), st(size, 10, -16 - 8 * i, 0x7edc_ba98 - i));
      body.push(stx(size, 10, 2, -64 - 8 * i), ldx(op.BPF_DW, 3, 10, -64 - 8 * i), stx(op.BPF_DW, 1, 3, 56));
      body.push(ldx(op.BPF_DW, 4, 10, -16 - 8 * i), alu64X(op.BPF_XOR, 0, 4));
    });
    agree([mov64(0, 0), ...body, exit()], BYTES);
  });

  const ATOMICS: ReadonlyArray<[string, number]> = [
    ['add', op.BPF_ADD], ['or', op.BPF_OR], ['and', op.BPF_AND], ['xor', op.BPF_XOR],
    ['fetch add', op.BPF_ADD | op.BPF_FETCH], ['fetch or', op.BPF_OR | op.BPF_FETCH], ['fetch and', op.BPF_AND | op.BPF_FETCH],
    ['fetch xor', op.BPF_XOR | op.BPF_FETCH], ['xchg', op.BPF_XCHG], ['cmpxchg', op.BPF_CMPXCHG],
  ];
  for (const [name, aop] of ATOMICS) {
    for (const size of [op.BPF_W, op.BPF_DW]) {
      test(`atomic ${name} ${size === op.BPF_W ? '32' : '64'} on memory (register and memory after) and on the stack`, () => {
        // records [memory word, operand, r0 before, out: src, out: r0, out: stack]
        const body = [
          ldx(op.BPF_DW, 2, 6, 8),
          ldx(op.BPF_DW, 0, 6, 16),
          ldx(op.BPF_DW, 3, 6, 0),
          stx(op.BPF_DW, 10, 3, -8),
          atomic(size, 6, 2, 0, aop),
          stx(op.BPF_DW, 6, 2, 24),
          stx(op.BPF_DW, 6, 0, 32),
          ldx(op.BPF_DW, 0, 6, 16),
          ldx(op.BPF_DW, 2, 6, 8),
          atomic(size, 10, 2, -8, aop),
          ldx(op.BPF_DW, 3, 10, -8),
          stx(op.BPF_DW, 6, 3, 40),
        ];
        const records = VALUES.flatMap((a, i) => [a, VALUES[(i * 7 + 3) % VALUES.length], i % 3 === 0 ? a : VALUES[i % 5], 0n, 0n, 0n]);
        agree(loop(VALUES.length, 48, body), words(records));
      });
    }
  }

  test('lddw of 64-bit constants', () => {
    const insns: Instruction[] = [mov64(0, 0)];
    VALUES.forEach((v, i) => {
      insns.push(...lddw(2, v));
      insns.push(stx(op.BPF_DW, 1, 2, 8 * i), alu64X(op.BPF_ADD, 0, 2));
    });
    insns.push(exit());
    agree(insns, new Uint8Array(8 * VALUES.length));
  });
});
