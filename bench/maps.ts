// Map-heavy benchmarks (bench/map-programs.ts): the same object, maps and
// packets on the VM's interpreter, the VM's JIT (with its map fast paths)
// and the kernel's JIT, ns/run averaged over the packet mix, with ratios.
import { kernelAvailable } from '../src/kernel/index.js';
import { loadObject, type BpfObject } from '../src/object/index.js';
import { MAP_BENCHMARKS, type MapBenchmark } from './map-programs.js';
import { formatNumber, formatTable } from './table.js';
import { timeTestRun } from './test-run-timing.js';

type EngineLabel = 'interp' | 'jit' | 'kernel';

interface Measured {
  readonly nsPerRun: number;
  readonly retvals: readonly number[];
}

async function load(bench: MapBenchmark, engine: EngineLabel): Promise<BpfObject> {
  const obj = engine === 'kernel'
    ? await loadObject(bench.object, { backend: 'kernel' })
    : await loadObject(bench.object, { backend: 'vm', engine });
  bench.setup?.(obj);
  return obj;
}

async function measure(bench: MapBenchmark, engine: EngineLabel, budgetMs: number, warmMs: number): Promise<Measured> {
  const obj = await load(bench, engine);
  const consumer = bench.consumer?.(obj);
  try {
    const prog = obj.program(bench.program);
    const timings = bench.packets.map((p) => timeTestRun(prog, p.data, budgetMs, warmMs, bench.maxChunk, consumer?.drain));
    return { nsPerRun: timings.reduce((s, t) => s + t.nsPerRun, 0) / timings.length, retvals: timings.map((t) => t.retval) };
  } finally {
    consumer?.close();
    obj.close();
  }
}

export async function runMapBench(budgetMs = 80, warmMs = 150): Promise<string> {
  const kernel = kernelAvailable();
  const engines: EngineLabel[] = kernel.ok ? ['interp', 'jit', 'kernel'] : ['interp', 'jit'];
  const rows: string[][] = [];
  for (const bench of MAP_BENCHMARKS) {
    const results = new Map<EngineLabel, Measured>();
    // (The interpreter too needs its warm-up: V8 takes thousands of runs to optimise its loop.)
    for (const engine of engines) results.set(engine, await measure(bench, engine, engine === 'interp' ? budgetMs / 2 : budgetMs, warmMs));
    const interp = results.get('interp')!;
    const jit = results.get('jit')!;
    const k = results.get('kernel');
    const all = [...results.values()];
    const agree = all.every((m) => m.retvals.every((r, i) => r === all[0].retvals[i]));
    rows.push([
      bench.name,
      formatNumber(interp.nsPerRun), formatNumber(jit.nsPerRun), k ? formatNumber(k.nsPerRun) : '-',
      k ? `${formatNumber(jit.nsPerRun / k.nsPerRun, 2)}x` : '-',
      `${formatNumber(interp.nsPerRun / jit.nsPerRun, 1)}x`,
      agree ? `equal ${jit.retvals.join(',')}` : `DIFFER ${all.map((m) => m.retvals.join(',')).join(' / ')}`,
    ]);
  }
  const notes = [
    'Map-heavy programs: clang-compiled objects loaded unchanged on each engine (VM: loadObject, verified, the JIT with its',
    'map fast paths; kernel: BPF_PROG_TEST_RUN), maps filled alike, timed per packet of the mix (median of ~5 ms test runs after warm-up) and averaged over the mix;',
    'ns/run is each backend\'s own average over its repeat loop. Results: return values for the packets of the mix, in order.',
    `Packets: ${MAP_BENCHMARKS[0].packets.map((p) => p.name).join('; ')}.`,
    ...MAP_BENCHMARKS.map((b) => `  ${b.name}: ${b.description}`),
  ];
  if (!kernel.ok) notes.push(`kernel column empty: ${kernel.reason}`);
  return `${notes.join('\n')}\n\n${formatTable(['program', 'interp ns/run', 'jit ns/run', 'kernel ns/run', 'jit/kernel', 'interp/jit', 'results'], rows)}`;
}
