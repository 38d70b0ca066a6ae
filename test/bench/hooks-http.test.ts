// The HTTP part of the hooks bench (bench/hooks-http.ts) end to end, cut
// down to two rounds: its server processes start with their configuration,
// the load generator moves between them, and every row gets a rate. A
// check that the bench works, not of its numbers.
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { test } from 'node:test';

const root = join(import.meta.dirname, '..', '..');

test('hooks bench: the HTTP rows from a server process per configuration', () => {
  const run = spawnSync(process.execPath, ['--import', 'tsx', join(root, 'bench', 'hooks.ts')], {
    cwd: root,
    encoding: 'utf8',
    timeout: 120_000,
    env: {
      ...process.env,
      TSBPF_BENCH_HOOKS: 'http',
      TSBPF_BENCH_ROUNDS: '2',
      TSBPF_BENCH_HTTP_GENERATIONS: '1',
      TSBPF_BENCH_HTTP_ONLY: 'latency histogram on|uprobe',
    },
  });
  assert.equal(run.status, 0, run.stderr);
  const rate = (label: string): number => {
    const line = run.stdout.split('\n').find((l) => l.startsWith(label));
    assert.ok(line, `no row '${label}' in:\n${run.stdout}`);
    return Number(line.slice(label.length).trim().split(/\s+/)[0].replace(/,/g, ''));
  };
  for (const label of ['nothing attached, a second server (the noise floor)', 'latency histogram on http_server_response (jit)', 'uprobe + uretprobe on db.lookup (jit)']) {
    assert.ok(rate(label) > 0, label);
  }
  assert.doesNotMatch(run.stdout, /empty program|plain JavaScript/, 'TSBPF_BENCH_HTTP_ONLY keeps the baselines and the rows it names');
});
