// The JIT's own numbers: compile time per 1,000 instructions (createJit, and
// the first run, where V8 compiles the WebAssembly lazily), the cost of
// checked mode (region checks and budget, as unverified programs run)
// beside unchecked mode and the interpreter, and the cost of a helper call.
import type { HelperFn } from '../src/engine/abi.js';
import { createInterpreter } from '../src/engine/interpreter/index.js';
import { createJit } from '../src/engine/jit/index.js';
import type { EngineFactory } from '../src/engine/select.js';
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { assemble } from '../src/isa/asm/index.js';
import type { Instruction } from '../src/isa/instruction.js';
import { Arena } from '../src/memory/arena.js';
import { COMPUTE_PROGRAMS } from './compute-programs.js';
import { EPILOGUE, longProgram, VM_PROLOGUE } from './long-program.js';
import { formatNumber, formatTable } from './table.js';

const here = dirname(fileURLToPath(import.meta.url));

/** createJit's time in a fresh process (the compiler's own code not yet optimised by V8): median of 3 processes. */
function coldCompileMs(copies: number, checked: boolean): number {
  const samples: number[] = [];
  for (let i = 0; i < 3; i++) {
    const child = spawnSync(process.execPath, ['--import', 'tsx', join(here, 'compile-cold.ts'), String(copies), checked ? 'checked' : 'unchecked'], { encoding: 'utf8', cwd: join(here, '..') });
    if (child.status !== 0) throw new Error(`compile-cold.ts failed: ${child.stderr}`);
    samples.push((JSON.parse(child.stdout.trim().split('\n').pop() as string) as { compileMs: number }).compileMs);
  }
  return samples.sort((a, b) => a - b)[1];
}

function timeRuns(create: EngineFactory, insns: readonly Instruction[], packet: Uint8Array, checked: boolean, minMillis: number, helpers = new Map<number, HelperFn>()): number {
  const arena = new Arena();
  const at = arena.alloc(packet.length);
  arena.addRegion(at, packet.length, 'packet', 'packet');
  arena.bytes.set(packet, at);
  const exe = create({ insns }, { arena, helpers, checked, budget: checked ? 10_000_000 : undefined });
  const args = [arena.pointer(at), BigInt(packet.length)];
  const warm = performance.now() + Math.min(200, minMillis / 2);
  while (performance.now() < warm) exe.run(args);
  let runs = 0;
  const start = performance.now();
  while (performance.now() - start < minMillis) {
    for (let i = 0; i < 64; i++) exe.run(args);
    runs += 64;
  }
  return ((performance.now() - start) * 1e6) / runs;
}

function compileTimes(): string[][] {
  const arena = new Arena(1 << 22);
  const rows: string[][] = [];
  for (const copies of [1, 16, 128]) {
    const insns = longProgram(copies);
    for (const checked of [false, true]) {
      const samples: number[] = [];
      const firsts: number[] = [];
      let bytes = 0;
      // compile only (runs would start background tier-up compiles that compete for the CPU),
      // after warming the compiler on this program, as a host that loads programs all day
      for (let i = 0; i < 20; i++) createJit({ insns }, { arena, helpers: new Map(), checked }).dispose();
      for (let i = 0; i < 9; i++) {
        const exe = createJit({ insns }, { arena, helpers: new Map(), checked, budget: checked ? 1e9 : undefined });
        samples.push(exe.stats.compileMs);
        bytes = exe.stats.wasmBytes;
        exe.dispose();
      }
      for (let i = 0; i < 3; i++) {
        const exe = createJit({ insns }, { arena, helpers: new Map(), checked, budget: checked ? 1e9 : undefined });
        const at = arena.alloc(1024);
        const region = arena.addRegion(at, 1024, 'packet', 'packet');
        const t = performance.now();
        exe.run([arena.pointer(at), 1024n]);
        firsts.push(performance.now() - t);
        arena.removeRegion(region);
        arena.free(at);
        exe.dispose();
      }
      const median = (xs: number[]): number => xs.sort((a, b) => a - b)[xs.length >> 1];
      const cold = coldCompileMs(copies, checked);
      rows.push([
        `${copies} x compute bodies`, checked ? 'checked' : 'unchecked', formatNumber(insns.length), formatNumber(bytes),
        formatNumber(median(samples), 3), formatNumber((median(samples) / insns.length) * 1000, 3),
        formatNumber(cold, 2), formatNumber((cold / insns.length) * 1000, 2), formatNumber(median(firsts), 3),
      ]);
    }
  }
  return rows;
}

export function runJitBench(minMillis = 300): string {
  // Throughput first: the compile table's runs leave V8 compiling large functions in the background.
  const modes = COMPUTE_PROGRAMS.map((program) => {
    const insns = assemble(VM_PROLOGUE + program.body + EPILOGUE);
    const packet = program.packet();
    const interp = timeRuns(createInterpreter, insns, packet, true, minMillis);
    const checked = timeRuns(createJit, insns, packet, true, minMillis);
    const unchecked = timeRuns(createJit, insns, packet, false, minMillis);
    return [program.name, formatNumber(interp), formatNumber(checked), formatNumber(unchecked),
      `${formatNumber(interp / checked, 1)}x`, `${formatNumber(checked / unchecked, 2)}x`];
  });
  const helperLoop = assemble('r6 = 0\nloop:\nr1 = r6\ncall 1\nr6 += 1\nif r6 < 1000 goto loop\nexit\n');
  const helpers = new Map<number, HelperFn>([[1, (_env, r1) => r1]]);
  const perCall = (create: EngineFactory): number => timeRuns(create, helperLoop, new Uint8Array(8), false, minMillis, helpers) / 1000;
  const helperLine = `helper call (a loop of 1000 calls to a helper returning r1): interpreter ${formatNumber(perCall(createInterpreter), 1)} ns/call, `
    + `jit ${formatNumber(perCall(createJit), 1)} ns/call`;
  const compile = formatTable(
    ['program', 'mode', 'slots', 'wasm bytes', 'steady ms', 'steady ms/1000 insns', 'cold ms', 'cold ms/1000 insns', 'first run ms'],
    compileTimes(),
  );
  const notes = [
    'Checked mode = region checks on every access the verifier cannot prove, plus an instruction budget (how unverified',
    'programs run); the interpreter runs checked with a budget too. Compile time = createJit: validation, analysis, code',
    'generation and WebAssembly validation. steady: median of 9 after 20 warm-up compiles (a host that loads programs all',
    'day); cold: the first compile in a fresh process (median of 3 processes), where V8 has not optimised the compiler\'s own',
    'code yet; first run includes V8\'s lazy compilation of the WebAssembly.',
  ];
  return [
    notes.join('\n'),
    '',
    formatTable(['program', 'interp checked ns/run', 'jit checked ns/run', 'jit unchecked ns/run', 'interp/jit checked', 'checked/unchecked'], modes),
    '',
    helperLine,
    '',
    compile,
  ].join('\n');
}
