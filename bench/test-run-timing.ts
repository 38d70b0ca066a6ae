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
 * own average): warm-up (V8 tiers up WebAssembly and JavaScript), then test
 * runs of ~10 ms each until `budgetMs` have passed; `between` runs after
 * every test run (outside the timed part), `maxChunk` caps a test run's repeat.
 */
export function timeTestRun(prog: ObjectProgram, data: Uint8Array, budgetMs: number, maxChunk = 1_000_000, between: () => void = () => {}): TestRunTiming {
  const first = prog.testRun({ dataIn: data });
  between();
  let estimate = Math.max(1, first.durationNs);
  const chunk = (ms: number): number => Math.max(1, Math.min(maxChunk, Math.round((ms * 1e6) / estimate)));
  const warmUntil = performance.now() + Math.min(60, budgetMs / 2);
  while (performance.now() < warmUntil) {
    const r = prog.testRun({ dataIn: data, repeat: chunk(5) });
    estimate = Math.max(1, r.durationNs);
    between();
  }
  let runs = 0;
  let ns = 0;
  const start = performance.now();
  while (performance.now() - start < budgetMs) {
    const n = chunk(10);
    const r = prog.testRun({ dataIn: data, repeat: n });
    ns += r.durationNs * n;
    runs += n;
    estimate = Math.max(1, r.durationNs);
    between();
  }
  return { nsPerRun: ns / runs, runs, retval: first.retval };
}
