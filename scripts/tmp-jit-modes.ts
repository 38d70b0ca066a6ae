import { createJit } from '../src/engine/jit/index.js';
import { createInterpreter } from '../src/engine/interpreter/index.js';
import { assemble } from '../src/isa/asm/index.js';
import { Arena } from '../src/memory/arena.js';
import { COMPUTE_PROGRAMS } from '../bench/compute-programs.js';
const VM_PROLOGUE = 'r3 = r1\nr3 += r2\nr2 = r1\nr9 = r2\n';
const EPILOGUE = 'r4 = r9\nr4 += 8\nif r4 > r3 goto bench_exit\n*(u64 *)(r9 + 0) = r0\nbench_exit:\nr0 = 2\nexit\n';
for (const p of COMPUTE_PROGRAMS.slice(0, 2)) {
  const insns = assemble(VM_PROLOGUE + p.body + EPILOGUE);
  for (const [name, create, checked, budget] of [['jit unchecked', createJit, false, undefined], ['jit checked', createJit, true, undefined], ['jit budget', createJit, false, 1e7], ['jit both', createJit, true, 1e7], ['interp checked', createInterpreter, true, undefined], ['interp both', createInterpreter, true, 1e7]] as const) {
    const arena = new Arena(); const at = arena.alloc(1024); arena.addRegion(at, 1024, 'packet', 'packet'); arena.bytes.set(p.packet(), at);
    const exe = create({ insns }, { arena, helpers: new Map(), checked, budget });
    const args = [arena.pointer(at), 1024n];
    for (let i = 0; i < 3000; i++) exe.run(args);
    const n = 3000; const t = performance.now();
    for (let i = 0; i < n; i++) exe.run(args);
    console.log(p.name, name, ((performance.now() - t) * 1e6 / n).toFixed(0));
  }
}
