// Differential properties: the JIT agrees with the interpreter (the
// reference) on r0 or the error (class and message: pc, address, size),
// the memory after the run and the instruction count.
// - random programs the kernel's verifier accepts, in both JIT modes;
// - wild unverified programs (test/support/wild-program.ts) in checked mode,
//   and in unchecked mode wherever the interpreter saw no memory fault (the
//   only thing unchecked mode leaves to WebAssembly's bounds).
// scripts/fuzz-jit.ts runs the same properties with larger counts.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { createInterpreter } from '../../src/engine/interpreter/index.js';
import { createJit } from '../../src/engine/jit/index.js';
import { outcomeDiff, outcomeOf } from '../support/engine-outcome.js';
import { formatProgram, randomProgram } from '../support/random-program.js';
import { WILD_BUDGET, wildHelpers, wildProgram } from '../support/wild-program.js';

const RANDOM_RUNS = 1500;
const WILD_RUNS = 2500;

test(`${RANDOM_RUNS} random verifiable programs: JIT (checked and unchecked) = interpreter`, () => {
  fc.assert(
    fc.property(randomProgram(), (p) => {
      const options = { budget: 1_000_000 };
      const reference = outcomeOf(createInterpreter, p.insns, p.mem, options);
      for (const checked of [true, false]) {
        const diff = outcomeDiff(reference, outcomeOf(createJit, p.insns, p.mem, { ...options, checked }));
        assert.equal(diff, null, `checked=${checked}: ${diff}\n${formatProgram(p.insns)}`);
      }
    }),
    { numRuns: RANDOM_RUNS },
  );
});

test(`${WILD_RUNS} wild unverified programs: JIT checked = interpreter; unchecked too where no access faulted`, () => {
  let unchecked = 0;
  fc.assert(
    fc.property(wildProgram(), (p) => {
      const options = { budget: WILD_BUDGET, helpers: wildHelpers() };
      const reference = outcomeOf(createInterpreter, p.insns, p.mem, options);
      const diff = outcomeDiff(reference, outcomeOf(createJit, p.insns, p.mem, { ...options, checked: true }));
      assert.equal(diff, null, `checked: ${diff}\n${formatProgram(p.insns)}`);
      if (reference.result.startsWith('MemoryAccessError')) return;
      unchecked++;
      const loose = outcomeDiff(reference, outcomeOf(createJit, p.insns, p.mem, { ...options, checked: false }));
      assert.equal(loose, null, `unchecked: ${loose}\n${formatProgram(p.insns)}`);
    }),
    { numRuns: WILD_RUNS },
  );
  assert.ok(unchecked > WILD_RUNS / 2, `only ${unchecked} programs ran without a memory fault`);
});
