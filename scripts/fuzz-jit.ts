// Differential fuzzing of the JIT against the interpreter, beyond npm test's
// counts: random verifier-style programs (test/support/random-program.ts) in
// both JIT modes, and wild unverified programs (test/support/wild-program.ts)
// in checked mode (and unchecked where the interpreter saw no memory fault),
// which must agree on r0 or the error, memory and instruction count.
//   node --import tsx scripts/fuzz-jit.ts [runs] [seed]
import fc from 'fast-check';
import { createInterpreter } from '../src/engine/interpreter/index.js';
import { createJit } from '../src/engine/jit/index.js';
import { outcomeDiff, outcomeOf } from '../test/support/engine-outcome.js';
import { formatProgram, randomProgram } from '../test/support/random-program.js';
import { WILD_BUDGET, wildHelpers, wildProgram } from '../test/support/wild-program.js';

const runs = Number(process.argv[2] ?? 20000);
const seed = process.argv[3] === undefined ? Date.now() : Number(process.argv[3]);
const started = Date.now();

fc.assert(
  fc.property(randomProgram(), (p) => {
    const ref = outcomeOf(createInterpreter, p.insns, p.mem, { budget: 1_000_000 });
    for (const checked of [true, false]) {
      const diff = outcomeDiff(ref, outcomeOf(createJit, p.insns, p.mem, { budget: 1_000_000, checked }));
      if (diff) throw new Error(`checked=${checked}\n${diff}\n${formatProgram(p.insns)}`);
    }
  }),
  { numRuns: runs, seed },
);
console.log(`random programs: ${runs} agree in both modes (seed ${seed}, ${((Date.now() - started) / 1000).toFixed(1)} s)`);

const wildStarted = Date.now();
fc.assert(
  fc.property(wildProgram(), (p) => {
    const options = { budget: WILD_BUDGET, helpers: wildHelpers() };
    const reference = outcomeOf(createInterpreter, p.insns, p.mem, options);
    const diff = outcomeDiff(reference, outcomeOf(createJit, p.insns, p.mem, { ...options, checked: true }));
    if (diff) throw new Error(`checked\n${diff}\n${formatProgram(p.insns)}`);
    if (reference.result.startsWith('MemoryAccessError')) return;
    const loose = outcomeDiff(reference, outcomeOf(createJit, p.insns, p.mem, { ...options, checked: false }));
    if (loose) throw new Error(`unchecked\n${loose}\n${formatProgram(p.insns)}`);
  }),
  { numRuns: runs, seed },
);
console.log(`wild programs: ${runs} agree (checked; unchecked where no fault) (seed ${seed}, ${((Date.now() - wildStarted) / 1000).toFixed(1)} s)`);
