import fc from 'fast-check';
import { createJit } from '../src/engine/jit/index.js';
import { compileProgram } from '../src/engine/jit/compile.js';
import { Arena } from '../src/memory/arena.js';
import { randomProgram } from '../test/support/random-program.js';
fc.configureGlobal({ baseSize: 'max' });
const arena = new Arena(1 << 24);
// warm the compiler itself
for (const p of fc.sample(randomProgram({ maxUnits: 30 }), { numRuns: 30, seed: 9 })) createJit({ insns: p.insns }, { arena, helpers: new Map(), checked: false }).dispose();
for (const units of [50, 200, 800, 3000]) {
  const progs = fc.sample(randomProgram({ maxUnits: units }), { numRuns: 10, seed: 1 });
  for (const checked of [false, true]) {
    let slots = 0, ms = 0, gen = 0, wasm = 0, bytes = 0;
    for (const p of progs) {
      const t0 = performance.now();
      const c = compileProgram(p.insns, { helpers: new Map(), checked, budgeted: checked, stackStart: 4096, stackBytes: 4096 });
      const t1 = performance.now();
      new WebAssembly.Module(c.bytes as Uint8Array<ArrayBuffer>);
      const t2 = performance.now();
      gen += t1 - t0 - (t2 - t1); wasm += t2 - t1; bytes += c.bytes.length;
      const j = createJit({ insns: p.insns }, { arena, helpers: new Map(), checked, budget: checked ? 1e6 : undefined });
      slots += p.insns.length; ms += j.stats.compileMs; j.dispose();
    }
    console.log(`units ${units} checked ${checked}: avg ${Math.round(slots / progs.length)} slots, createJit ${(ms / slots * 1000).toFixed(3)} ms/1000 insns; codegen ${(gen / slots * 1000).toFixed(3)}, wasm compile ${(wasm / slots * 1000).toFixed(3)}, ${(bytes / slots).toFixed(1)} B/insn`);
  }
}
