import { test } from 'node:test';
import assert from 'node:assert/strict';
import { attach } from '../../src/hooks/attach.js';
import { HookTargetError } from '../../src/hooks/errors.js';
import { PERF_AT } from '../../src/hooks/timers/perf-event-ctx.js';
import { asmProgram, recordingHelper } from './support.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

test('perf_event sampling at a frequency: samples numbered, a blocked event loop shows as lag', async () => {
  const log: bigint[] = [];
  const prog = asmProgram(`
    r6 = r1
    r1 = *(u64 *)(r6 + ${PERF_AT.ip})
    call 6
    r1 = *(u64 *)(r6 + ${PERF_AT.lag})
    call 6
    r1 = *(u64 *)(r6 + ${PERF_AT.heapUsed})
    call 6
    r0 = 0
    exit`, { type: 'perf_event', section: 'perf_event', helpers: recordingHelper(6, log) });
  const link = attach(prog, undefined, { sampleFreq: 200 });
  await sleep(30);
  const t = Date.now();
  while (Date.now() - t < 40) { /* block the loop */ }
  await sleep(30);
  link.detach();
  const runs = link.stats.runCount;
  await sleep(30);
  assert.equal(link.stats.runCount, runs, 'no samples after detach');
  assert.ok(runs >= 4, `${runs} samples`);
  const samples = Array.from({ length: runs }, (_, i) => log.slice(3 * i, 3 * i + 3));
  assert.deepEqual(samples.map((s) => s[0]), samples.map((_, i) => BigInt(i + 1)));
  assert.ok(samples.some((s) => s[1] >= 20_000_000n), `lags ${samples.map((s) => s[1])}`);
  assert.ok(samples.every((s) => s[2] > 1_000_000n), 'heap in use');
});

test('interval probes run at a fixed period; bad frequencies are refused', async () => {
  const prog = asmProgram(`r0 = *(u64 *)(r1 + ${PERF_AT.samplePeriod})\nexit`, { type: 'perf_event' });
  const link = attach(prog, 'perf_event', { samplePeriodNs: 5_000_000 });
  await sleep(60);
  link.detach();
  assert.ok(link.stats.runCount >= 5 && link.stats.runCount <= 13, `${link.stats.runCount} runs`);
  assert.equal(link.stats.lastRetval, 5_000_000n);
  assert.throws(() => attach(prog, 'perf_event', { sampleFreq: 0 }), HookTargetError);
  assert.throws(() => attach(prog, 'perf_event', { samplePeriodNs: 10 }), HookTargetError);
});
