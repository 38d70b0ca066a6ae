// Compute benchmarks: the same program body on tsbpf's engines and in the
// kernel (XDP, BPF_PROG_TEST_RUN with repeat), ns/run and instructions per
// second side by side. Engines come from src/engine/select.ts: an engine that
// becomes available there (the JIT) gets its columns here with no change.
import { assemble } from '../src/isa/asm/index.js';
import { ENGINE_NAMES, EngineUnavailableError, engineFactory, type EngineFactory } from '../src/engine/select.js';
import { kernelAvailable } from '../src/kernel/index.js';
import { COMPUTE_PROGRAMS, type ComputeProgram } from './compute-programs.js';
import { timeInKernel, type KernelTiming } from './kernel-timing.js';
import { formatNumber, formatTable } from './table.js';
import { timeOnVm, type VmTiming } from './vm-timing.js';

/** Stores r0 over the packet's first 8 bytes (when it has them), then XDP_PASS. */
const EPILOGUE = `
  r4 = r9
  r4 += 8
  if r4 > r3 goto bench_exit
  *(u64 *)(r9 + 0) = r0
bench_exit:
  r0 = 2
  exit
`;
/** xdp_md: data and data_end. */
const KERNEL_PROLOGUE = 'r2 = *(u32 *)(r1 + 0)\nr3 = *(u32 *)(r1 + 4)\nr9 = r2\n';
/** Conformance convention: r1 = packet, r2 = length. */
const VM_PROLOGUE = 'r3 = r1\nr3 += r2\nr2 = r1\nr9 = r2\n';

export function availableEngines(): Array<{ name: string; create: EngineFactory }> {
  const engines: Array<{ name: string; create: EngineFactory }> = [];
  for (const name of ENGINE_NAMES) {
    try {
      engines.push({ name, create: engineFactory(name) });
    } catch (err) {
      if (!(err instanceof EngineUnavailableError)) throw err;
    }
  }
  return engines;
}

interface Row {
  readonly program: ComputeProgram;
  readonly vm: ReadonlyMap<string, VmTiming>;
  readonly kernel: KernelTiming | null;
}

export function runComputeBench(minMillis = 400): string {
  const engines = availableEngines();
  const kernel = kernelAvailable();
  const rows: Row[] = COMPUTE_PROGRAMS.map((program) => {
    const vmInsns = assemble(VM_PROLOGUE + program.body + EPILOGUE);
    const vm = new Map(engines.map((e) => [e.name, timeOnVm(e.create, vmInsns, program.packet(), minMillis)] as const));
    const kernelTiming = kernel.ok
      ? timeInKernel(assemble(KERNEL_PROLOGUE + program.body + EPILOGUE), program.packet(), minMillis, program.name.replace(/-/g, '_'))
      : null;
    return { program, vm, kernel: kernelTiming };
  });

  const header = ['program', 'insns/run'];
  for (const e of engines) header.push(`${e.name} ns/run`, `${e.name} Minsn/s`);
  header.push('kernel ns/run', 'kernel Minsn/s');
  for (const e of engines) header.push(`${e.name}/kernel`);
  header.push('results');

  const lines = rows.map((row) => {
    // The interpreter counts every instruction (the JIT only when budgeted).
    const insns = (row.vm.get('interp') ?? [...row.vm.values()][0])?.instructionsPerRun ?? 0;
    const cells = [row.program.name, formatNumber(insns)];
    for (const e of engines) {
      const t = row.vm.get(e.name)!;
      cells.push(formatNumber(t.nsPerRun), formatNumber((insns / t.nsPerRun) * 1e3, 1));
    }
    cells.push(row.kernel ? formatNumber(row.kernel.nsPerRun) : '-', row.kernel ? formatNumber((insns / row.kernel.nsPerRun) * 1e3, 1) : '-');
    for (const e of engines) cells.push(row.kernel ? `${formatNumber(row.vm.get(e.name)!.nsPerRun / row.kernel.nsPerRun, 1)}x` : '-');
    const results = [...row.vm.values()].map((t) => t.result);
    if (row.kernel) results.push(row.kernel.result);
    cells.push(results.every((r) => r === results[0]) ? `equal 0x${results[0].toString(16)}` : `DIFFER ${results.map((r) => `0x${r.toString(16)}`).join(' ')}`);
    return cells;
  });

  const notes = [
    'Compute programs (1 KiB packets; insns/run counted by the interpreter; kernel = BPF_PROG_TEST_RUN of the same body as XDP,',
    'its own average over the repeat count; ratio = engine ns / kernel ns; results = first 8 bytes of the packet after one run).',
    ...COMPUTE_PROGRAMS.map((p) => `  ${p.name}: ${p.description}`),
  ];
  if (!kernel.ok) notes.push(`kernel columns empty: ${kernel.reason}`);
  return `${notes.join('\n')}\n\n${formatTable(header, lines)}`;
}
