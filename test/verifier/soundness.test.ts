// Soundness under attack: programs the verifier accepts never fault. Random
// programs (which the kernel accepts) are mutated instruction by instruction;
// whatever the verifier accepts runs in the interpreter with every region
// checked, on several inputs, and must end normally within its budget.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { createInterpreter } from '../../src/engine/interpreter/index.js';
import { HELPER_TABLE } from '../../src/helpers/table.js';
import * as op from '../../src/isa/opcodes.js';
import { memoryContextRules, sanitizeDeadCode, verify } from '../../src/verifier/index.js';
import { outcomeOf } from '../support/engine-outcome.js';
import { MEM_SIZE, randomProgram, type GeneratedProgram } from '../support/random-program.js';
import { KNOWN_OPCODES, mutate, mutationArb } from './mutation.js';

const RUNS = Number(process.env.TSBPF_SOUNDNESS_RUNS ?? 2000);
const rules = memoryContextRules(MEM_SIZE);
/** Verified programs end: a run this long means the verifier missed a loop. */
const BUDGET = 2_000_000;

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

test('verified mutants never fault in the interpreter', (t) => {
  let accepted = 0;
  let total = 0;
  fc.assert(fc.property(
    randomProgram({ maxUnits: 16 }), fc.array(mutationArb, { minLength: 0, maxLength: 3 }), fc.array(fc.integer(), { minLength: 2, maxLength: 2 }),
    (program, mutations, seeds) => {
      const insns = mutate(program.insns, mutations);
      total++;
      const result = verify(insns, { progType: 'syscall', rules, complexityLimit: 100_000 });
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
  t.diagnostic(`${accepted} of ${total} mutants verified and ran without a fault (3 inputs each)`);
  assert.ok(accepted > total / 10, `too few mutants accepted (${accepted} of ${total}) for the test to mean much`);
});

test('the verifier never throws, whatever the instructions', () => {
  fc.assert(fc.property(
    fc.array(fc.record({
      opcode: fc.oneof(fc.constantFrom(...KNOWN_OPCODES, op.LD_IMM64), fc.integer({ min: 0, max: 255 })),
      dst: fc.integer({ min: 0, max: 15 }), src: fc.integer({ min: 0, max: 15 }),
      off: fc.integer({ min: -0x8000, max: 0x7fff }), imm: fc.integer({ min: -0x80000000, max: 0x7fffffff }),
    }), { minLength: 1, maxLength: 24 }),
    (insns) => {
      const r = verify(insns, { progType: 'socket_filter', logLevel: 2 });
      assert.ok(r.verdict === 'accept' || typeof r.error === 'string');
    },
  ), { numRuns: RUNS });
});
