// Run by bench/jit.ts in a fresh process: the JIT's first compile of a long
// program (V8 has not optimised the compiler yet), printed as JSON.
// node --import tsx bench/compile-cold.ts COPIES checked|unchecked
import { createJit } from '../src/engine/jit/index.js';
import { Arena } from '../src/memory/arena.js';
import { longProgram } from './long-program.js';

const copies = Number(process.argv[2] ?? 16);
const checked = process.argv[3] === 'checked';
const insns = longProgram(copies);
const exe = createJit({ insns }, { arena: new Arena(1 << 22), helpers: new Map(), checked, budget: checked ? 1e9 : undefined });
process.stdout.write(`${JSON.stringify({ slots: insns.length, compileMs: exe.stats.compileMs })}\n`);
