// The verifier's property tests at larger counts than npm test runs (issue 4):
//   node --import tsx scripts/verifier-soak.ts [SCALE]
// SCALE (default 20) multiplies npm test's counts: random programs mutated
// and run in the interpreter (2,000 → 40,000), fixture programs mutated and run
// (400 → 8,000), generated programs compared with the kernel's verifier
// (200 → 4,000; skipped where bpf() is refused). Each run draws a fresh seed
// (TSBPF_SEED repeats one).
// Exit status: that of the test runner (1 on any failure).
import { spawnSync } from 'node:child_process';

const scale = Number(process.argv[2] ?? 20);
if (!Number.isFinite(scale) || scale <= 0) {
  console.error('verifier-soak: SCALE must be a positive number');
  process.exit(2);
}
const seed = Number(process.env.TSBPF_SEED ?? Math.floor(Math.random() * 0x7fffffff));
const env = {
  ...process.env,
  TSBPF_SEED: String(seed),
  TSBPF_SOUNDNESS_RUNS: String(Math.round(2000 * scale)),
  TSBPF_SOUNDNESS_FIXTURE_RUNS: String(Math.round(400 * scale)),
  TSBPF_VERIFIER_KERNEL_RUNS: String(Math.round(200 * scale)),
};
const files = ['test/verifier/soundness.test.ts', 'test/verifier/soundness-fixtures.test.ts', 'test/verifier/kernel-generated.test.ts'];
const started = performance.now();
console.log(`verifier-soak: seed ${seed} (TSBPF_SEED=${seed} repeats this run)`);
const result = spawnSync(process.execPath, ['--import', 'tsx', '--import', './test/support/property-seed.ts', '--test', '--test-reporter=spec', ...files], { stdio: 'inherit', env });
console.log(`verifier-soak: scale ${scale} in ${((performance.now() - started) / 1000).toFixed(1)} s`);
process.exit(result.status ?? 1);
