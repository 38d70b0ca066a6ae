import { createJit } from '../src/engine/jit/index.js';
import { createInterpreter } from '../src/engine/interpreter/index.js';
import { assemble } from '../src/isa/asm/index.js';
import { Arena } from '../src/memory/arena.js';
const arena = new Arena();
const at = arena.alloc(1024);
arena.addRegion(at, 1024, 'packet', 'packet');
const prog = assemble('r0 = 1\nexit\n');
const args = [arena.pointer(at), 1024n];
for (const [name, exe] of [['jit', createJit({ insns: prog }, { arena, helpers: new Map(), checked: false })], ['interp', createInterpreter({ insns: prog }, { arena, helpers: new Map(), checked: false })]] as const) {
  for (let i = 0; i < 200000; i++) exe.run(args);
  const n = 2_000_000;
  const t = performance.now();
  for (let i = 0; i < n; i++) exe.run(args);
  console.log(name, ((performance.now() - t) * 1e6 / n).toFixed(1), 'ns/run');
}
