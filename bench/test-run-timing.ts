import type { ObjectProgram } from '../src/object/index.js';

export interface TestRunTiming {
  readonly nsPerRun: number;
  readonly runs: number;
  /** The return value of the first run (the program's verdict on the packet). */
  readonly retval: number;
}

/**
 * Times a program on one packet through its object's testRun (the VM's
 * loop or the kernel's BPF_PROG_TEST_RUN with repeat, each reporting its
 * own average): `warmMs` of warm-up (V8 tiers WebAssembly up to its
 * optimising compiler after a while), then test runs of ~5 ms each until
 * `budgetMs` have passed; the result is the median of their averages (a
 * garbage collection or another process taking the CPU spoils one test run,
 * not the figure). `between` runs after every test run, outside the timed
 * part; `maxChunk` caps a test run's repeat.
 */
export function timeTestRun(prog: ObjectProgram, data: Uint8Array, budgetMs: number, warmMs: number, maxChunk = 1_000_000, between: () => void = () => {}): TestRunTiming {
  const first = prog.testRun({ dataIn: data });
  between();
  let estimate = Math.max(1, first.durationNs);
  const chunk = (ms: number): number => Math.max(1, Math.min(maxChunk, Math.round((ms * 1e6) / estimate)));
  const warmUntil = performance.now() + warmMs;
  while (performance.now() < warmUntil) {
    const r = prog.testRun({ dataIn: data, repeat: chunk(5) });
    estimate = Math.max(1, r.durationNs);
    between();
  }
  let runs = 0;
  const averages: number[] = [];
  const start = performance.now();
  while (averages.length < 3 || performance.now() - start < budgetMs) {
    const n = chunk(5);
    const r = prog.testRun({ dataIn: data, repeat: n });
    averages.push(r.durationNs);
    runs += n;
    estimate = Math.max(1, r.durationNs);
    between();
  }
  averages.sort((a, b) => a - b);
  return { nsPerRun: averages[averages.length >> 1], runs, retval: first.retval };
}
