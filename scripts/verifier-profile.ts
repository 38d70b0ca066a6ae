// Profiling aid for the verifier's speed: verifies one program over and over.
//   node --import tsx --cpu-prof --cpu-prof-dir=/tmp/prof scripts/verifier-profile.ts <fixture:program | generated | diamonds> [seconds]
// Prints the time per verification after a warm-up: the best batch and the mean.
import { join } from 'node:path';
import { loadObjectSpec } from '../src/elf/load.js';
import { verifyProgramSpec } from '../src/verifier/verify-object.js';
import { verify } from '../src/verifier/verify.js';
import { diamondProgram, loopProgram } from '../bench/verifier.js';

const [target = 'generated', secondsArg = '3'] = process.argv.slice(2);
const seconds = Number(secondsArg);
let run: () => { verdict: string; processed: number };
if (target === 'generated' || target === 'diamonds') {
  const big = target === 'generated' ? loopProgram(136) : diamondProgram(448);
  run = () => verify(big, { progType: 'socket_filter' });
} else {
  const [file, name] = target.split(':');
  const spec = loadObjectSpec(join(import.meta.dirname, '..', 'test/fixtures', `${file}.o`));
  const program = spec.programs.find((p) => p.name === name);
  if (!program) throw new Error(`no program ${name} in ${file}.o`);
  run = () => verifyProgramSpec(program, spec);
}
const first = run();
for (let t = performance.now(); performance.now() - t < seconds * 300;) run();
// Batches of about 20 ms: the fastest batch is the least disturbed by other load.
let best = Infinity;
let total = 0;
const start = performance.now();
while (performance.now() - start < seconds * 1000) {
  const t = performance.now();
  let n = 0;
  while (performance.now() - t < 20) {
    run();
    n++;
  }
  total += n;
  best = Math.min(best, (performance.now() - t) / n);
}
const mean = (performance.now() - start) / total;
console.log(`${target}: ${first.verdict} processed ${first.processed}: best ${best.toFixed(3)} ms, mean ${mean.toFixed(3)} ms per verification (${total} runs)`);
