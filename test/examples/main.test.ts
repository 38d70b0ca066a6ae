// The README's main job (`npm run example`) runs and does what it says.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import { kernelSkipReason } from '../support/kernel.js';

test('the main example: HTTP latency histogram, XDP firewall over a capture, kernel agreement', () => {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'examples/main.ts'], { encoding: 'utf8', timeout: 120_000 });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /"route":"\/report","slot":1[45]\} => 1/);
  assert.match(r.stdout, /vm: 28 packets: \{ XDP_PASS: 24, XDP_DROP: 4 \}/);
  if (kernelSkipReason() === undefined) assert.match(r.stdout, /the kernel agrees/);
});
