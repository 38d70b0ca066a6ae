// Differential fuzzing, interpreter against kernel, at a larger count than
// npm test runs: node --import tsx scripts/fuzz-differential.ts [COUNT] [SEED]
// Prints every disagreement (shrunk by fast-check) with its program in LLVM's
// syntax, then the totals. Exit 1 on any disagreement, 2 when bpf() is refused.
// --with-kernel-bugs also generates the patterns that the kernel verifier bugs
// of test/kernel/KERNEL_BUGS.md turn into disagreements (to see them happen).
import fc from 'fast-check';
import { kernelAvailable } from '../src/kernel/index.js';
import { compareWithKernel } from '../test/support/differential.js';
import { formatProgram, randomProgram } from '../test/support/random-program.js';

const args = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const kernelSafe = !process.argv.includes('--with-kernel-bugs');
const count = Number(args[0] ?? 100_000);
const firstSeed = Number(args[1] ?? Date.now() % 1_000_000);
const availability = kernelAvailable();
if (!availability.ok) {
  console.error(`fuzz-differential: ${availability.reason}`);
  process.exit(2);
}

// Batches with their own seeds, so a disagreement does not end the run and each one is shrunk on its own.
const BATCH = 10_000;
let ran = 0;
let disagreements = 0;
const started = performance.now();
for (let batch = 0; ran < count; batch++) {
  const seed = firstSeed + batch;
  const numRuns = Math.min(BATCH, count - ran);
  const details = fc.check(
    fc.property(randomProgram({ kernelSafe }), (program) => compareWithKernel(program.insns, program.mem).diff === null),
    { numRuns, seed },
  );
  ran += details.numRuns;
  if (details.failed && details.counterexample) {
    disagreements++;
    const [program] = details.counterexample;
    const { diff } = compareWithKernel(program.insns, program.mem);
    console.log(`disagreement (seed ${seed}, path ${details.counterexamplePath}): ${diff}`);
    console.log(`input: ${Buffer.from(program.mem.subarray(0, 64)).toString('hex')}`);
    console.log(formatProgram(program.insns));
    console.log('');
  }
}
const seconds = (performance.now() - started) / 1000;
console.log(`${ran} programs, ${disagreements} disagreement${disagreements === 1 ? '' : 's'}, ${seconds.toFixed(1)} s (seeds ${firstSeed}..${firstSeed + Math.ceil(count / BATCH) - 1})`);
process.exit(disagreements ? 1 : 0);
