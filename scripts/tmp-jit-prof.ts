import fc from 'fast-check';
import { compileProgram } from '../src/engine/jit/compile.js';
import { randomProgram } from '../test/support/random-program.js';
fc.configureGlobal({ baseSize: 'max' });
const progs = fc.sample(randomProgram({ maxUnits: 1000 }), { numRuns: 10, seed: 1 });
const checked = process.argv[2] === 'checked';
let slots = 0; const t = performance.now();
for (let k = 0; k < 20; k++) for (const p of progs) { compileProgram(p.insns, { helpers: new Map(), checked, budgeted: checked, stackStart: 4096, stackBytes: 4096 }); slots += p.insns.length; }
console.log(((performance.now() - t) / slots * 1000).toFixed(3), 'ms/1000');
