// Soundness under attack: programs the verifier accepts never fault. Random
// programs (which the kernel accepts) are mutated instruction by instruction;
// whatever the verifier accepts runs in the interpreter with every region
// checked, on several inputs, and must end normally within its budget.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { createInterpreter } from '../../src/engine/interpreter/index.js';
import { HELPER_TABLE } from '../../src/helpers/table.js';
import type { Instruction } from '../../src/isa/instruction.js';
import * as op from '../../src/isa/opcodes.js';
import { memoryContextRules, sanitizeDeadCode, verify } from '../../src/verifier/index.js';
import { outcomeOf } from '../support/engine-outcome.js';
import { MEM_SIZE, randomProgram, type GeneratedProgram } from '../support/random-program.js';

const RUNS = Number(process.env.TSBPF_SOUNDNESS_RUNS ?? 600);
const rules = memoryContextRules(MEM_SIZE);
/** Verified programs end: a run this long means the verifier missed a loop. */
const BUDGET = 2_000_000;

const OPCODES = [
  0x07, 0x0f, 0x17, 0x1f, 0x27, 0x2f, 0x37, 0x3f, 0x47, 0x4f, 0x57, 0x5f, 0x67, 0x6f, 0x77, 0x7f, 0x87, 0x97, 0x9f,
  0xa7, 0xaf, 0xb7, 0xbf, 0xc7, 0xcf, 0x04, 0x0c, 0x14, 0x1c, 0x24, 0x34, 0x44, 0x54, 0x64, 0x74, 0x84, 0xa4, 0xb4,
  0xbc, 0xc4, 0xcc, 0xd4, 0xdc, 0xd7, 0x61, 0x69, 0x71, 0x79, 0x81, 0x89, 0x91, 0x62, 0x6a, 0x72, 0x7a, 0x63, 0x6b,
  0x73, 0x7b, 0xc3, 0xdb, 0x05, 0x15, 0x1d, 0x25, 0x2d, 0x35, 0x45, 0x55, 0x5d, 0x65, 0x6d, 0xa5, 0xad, 0xc5, 0xd5,
  0x16, 0x1e, 0x26, 0xa6, 0xc6, 0x85, 0x95, 0x06,
];

interface Mutation {
  readonly at: number;
  readonly field: 'opcode' | 'dst' | 'src' | 'off' | 'imm';
  readonly value: number;
}

const mutation = fc.record({
  at: fc.nat(),
  field: fc.constantFrom('opcode', 'dst', 'src', 'off', 'imm') as fc.Arbitrary<Mutation['field']>,
  value: fc.oneof(
    fc.constantFrom(...OPCODES),
    fc.integer({ min: -16, max: 16 }),
    fc.constantFrom(0, 1, -1, 7, 8, 63, 64, 255, 256, 511, 512, -512, 0x7fff, -0x8000, 0x7fffffff, -0x80000000),
    fc.integer({ min: -600, max: 600 }),
  ),
}) as fc.Arbitrary<Mutation>;

function mutate(insns: readonly Instruction[], mutations: readonly Mutation[]): Instruction[] {
  const out = insns.map((i) => ({ ...i }));
  for (const m of mutations) {
    const insn = out[m.at % out.length];
    switch (m.field) {
      case 'opcode': insn.opcode = OPCODES[Math.abs(m.value) % OPCODES.length]; break;
      case 'dst': insn.dst = Math.abs(m.value) % 11; break;
      case 'src': insn.src = Math.abs(m.value) % 11; break;
      case 'off': insn.off = Math.max(-0x8000, Math.min(0x7fff, m.value)); break;
      case 'imm': insn.imm = m.value | 0; break;
    }
  }
  return out;
}

function inputsFor(p: GeneratedProgram, seeds: readonly number[]): Uint8Array[] {
  return seeds.map((seed) => {
    const mem = p.mem.slice();
    let x = seed >>> 0 || 1;
    for (let i = 0; i < 64; i++) {
      x ^= x << 13; x ^= x >>> 17; x ^= x << 5;
      mem[i] = x & 0xff;
    }
    return mem;
  });
}

test('verified mutants never fault in the interpreter', () => {
  let accepted = 0;
  let total = 0;
  fc.assert(fc.property(
    randomProgram({ maxUnits: 16 }), fc.array(mutation, { minLength: 0, maxLength: 3 }), fc.array(fc.integer(), { minLength: 2, maxLength: 2 }),
    (program, mutations, seeds) => {
      const insns = mutate(program.insns, mutations);
      total++;
      const result = verify(insns, { progType: 'syscall', rules });
      if (result.verdict !== 'accept') return;
      accepted++;
      const runnable = sanitizeDeadCode(insns, result.deadCode ?? []);
      for (const mem of [program.mem, ...inputsFor(program, seeds)]) {
        const out = outcomeOf(createInterpreter, runnable, mem, { checked: true, budget: BUDGET, helpers: HELPER_TABLE });
        // The engines refuse some reserved-field encodings the kernel's
        // verifier does not look at (e.g. exit with an offset): such a
        // program never runs, so it cannot fault.
        if (out.result.startsWith('DecodeError:')) continue;
        assert.ok(out.result.startsWith('0x'), `verified program faulted: ${out.result}\n${JSON.stringify(insns)}`);
      }
    },
  ), { numRuns: RUNS });
  assert.ok(accepted > total / 10, `too few mutants accepted (${accepted} of ${total}) for the test to mean much`);
});

test('the verifier never throws, whatever the instructions', () => {
  fc.assert(fc.property(
    fc.array(fc.record({
      opcode: fc.oneof(fc.constantFrom(...OPCODES, op.LD_IMM64), fc.integer({ min: 0, max: 255 })),
      dst: fc.integer({ min: 0, max: 15 }), src: fc.integer({ min: 0, max: 15 }),
      off: fc.integer({ min: -0x8000, max: 0x7fff }), imm: fc.integer({ min: -0x80000000, max: 0x7fffffff }),
    }), { minLength: 1, maxLength: 24 }),
    (insns) => {
      const r = verify(insns, { progType: 'socket_filter', logLevel: 2 });
      assert.ok(r.verdict === 'accept' || typeof r.error === 'string');
    },
  ), { numRuns: RUNS });
});
