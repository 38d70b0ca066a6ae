// `tsbpf test-run` in the VM on an object whose tool pairs a tp_btf program
// with a raw_tp twin (test/cli/fixtures/paired_variants.c): the twin the VM
// can run is tested, the variant it cannot is left out as libbpf-based tools
// turn off its autoload, and asking for that variant is still refused by
// name; `tsbpf verify` judges the twin and says which it left out. The
// kernel backend loads both.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after } from 'node:test';
import { runCliInProcess } from './in-process-cli.js';
import { kernelSkipReason } from '../support/kernel.js';

const object = join(import.meta.dirname, 'fixtures', 'paired_variants.o');
const dir = mkdtempSync(join(tmpdir(), 'tsbpf-variants-'));
const ctx = join(dir, 'args.ctx');
writeFileSync(ctx, new Uint8Array(32));
after(() => rmSync(dir, { recursive: true, force: true }));

const counted = (stdout: string): unknown => (JSON.parse(stdout) as { maps: { switches: Array<{ formatted: unknown }> } }).maps.switches[0].formatted;

test('the raw_tp twin runs in the VM beside a tp_btf program', async () => {
  const r = await runCliInProcess(['test-run', object, '--program', 'on_switch', '--ctx-in', ctx, '--json']);
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(counted(r.stdout), { key: 0, value: 1 });
});

test('the tp_btf variant itself is refused by name, and so is the default first program', async () => {
  for (const args of [['--program', 'on_switch_btf'], []]) {
    const r = await runCliInProcess(['test-run', object, ...args, '--ctx-in', ctx]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /program on_switch_btf \(section tp_btf\/sched_switch\) has type tracing, which tsbpf cannot verify or run/);
  }
});

test('the kernel backend loads both variants and runs the twin the same', { skip: kernelSkipReason() }, async () => {
  const r = await runCliInProcess(['test-run', object, '--program', 'on_switch', '--ctx-in', ctx, '--json', '--backend', 'kernel']);
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(counted(r.stdout), { key: 0, value: 1 });
});

test('verify judges the twin and leaves the tp_btf variant out, saying so (exit 2: the object was not judged whole)', async () => {
  const r = await runCliInProcess(['verify', object, '--json']);
  assert.equal(r.code, 2, r.stderr);
  assert.deepEqual((JSON.parse(r.stdout) as Array<{ program: string; verdict: string }>).map((o) => [o.program, o.verdict]), [['on_switch', 'accept']]);
  assert.match(r.stderr, /program on_switch_btf in section tp_btf\/sched_switch has type 'tracing', which tsbpf cannot verify: left out/);
  const alone = await runCliInProcess(['verify', object, '--program', 'on_switch_btf']);
  assert.equal(alone.code, 2);
  assert.match(alone.stderr, /cannot verify; pass --type/);
});
