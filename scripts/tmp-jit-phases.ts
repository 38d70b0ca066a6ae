import fc from 'fast-check';
import { validateInstructions } from '../src/isa/validate.js';
import { buildCfg } from '../src/engine/jit/cfg.js';
import { analyseGraph } from '../src/engine/jit/dominators.js';
import { solveLiveness } from '../src/engine/jit/liveness.js';
import { compileProgram } from '../src/engine/jit/compile.js';
import { randomProgram } from '../test/support/random-program.js';
fc.configureGlobal({ baseSize: 'max' as never });
const progs = fc.sample(randomProgram({ maxUnits: 1000 }), { numRuns: 10, seed: 1 });
let slots = 0; for (const p of progs) slots += p.insns.length;
const R = 20;
function time(name: string, f: (insns: any) => void) {
  const t = performance.now();
  for (let k = 0; k < R; k++) for (const p of progs) f(p.insns);
  console.log(name.padEnd(12), ((performance.now() - t) / (slots * R) * 1000).toFixed(3), 'ms/1000');
}
for (let round = 0; round < 2; round++) {
time('validate', (i) => validateInstructions(i));
time('cfg', (i) => buildCfg(i));
time('shapes', (i) => { const cfg = buildCfg(i); for (const e of cfg.entries) analyseGraph(cfg.blockAt[e], cfg.blocks.length, (b) => cfg.blocks[b].succ); });
time('liveness', (i) => { const cfg = buildCfg(i); const m = new Map(); for (const e of cfg.entries) m.set(e, analyseGraph(cfg.blockAt[e], cfg.blocks.length, (b) => cfg.blocks[b].succ)); solveLiveness(i, cfg, m); });
time('all', (i) => compileProgram(i, { helpers: new Map(), checked: false, budgeted: false, stackStart: 4096, stackBytes: 4096 }));
}
console.log('avg slots', slots / progs.length, 'blocks/slot', progs.map(p => buildCfg(p.insns).blocks.length).reduce((a,b)=>a+b)/slots, 'entries', progs.map(p=>buildCfg(p.insns).entries.length));
