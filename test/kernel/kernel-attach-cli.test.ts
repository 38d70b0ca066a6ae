// The kernel path of `tsbpf attach`: every program of the object attached
// where its section says, ring buffer records and perf buffer samples printed
// as they come while COMMAND runs, then every map as bpftool -j dumps it.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runKernelAttach } from '../../src/cli/kernel-attach/run-kernel-attach.js';
import { kernelSkipReason } from '../support/kernel.js';

const dir = mkdtempSync(join(tmpdir(), 'tsbpf-kattach-'));
after(() => rmSync(dir, { recursive: true, force: true }));
// The program reports only processes named tsbpf-cat: a copy of cat under that name.
const cat = join(dir, 'tsbpf-cat');
copyFileSync('/bin/cat', cat);

test('attach --backend kernel --json -- COMMAND: events from both buffers, then the maps', { skip: kernelSkipReason() }, async () => {
  const lines: string[] = [];
  const code = await runKernelAttach({
    object: 'test/kernel/fixtures/openat_events.bpf.o',
    json: true,
    command: [cat, '/etc/hostname', '/etc/hostname'],
    write: (line) => lines.push(line),
  });
  assert.equal(code, 0);
  const parsed = lines.map((l) => JSON.parse(l) as { event?: { map: string; data?: string; cpu?: number }; maps?: Record<string, unknown[]> });
  const ring = parsed.filter((p) => p.event?.map === 'events');
  const perf = parsed.filter((p) => p.event?.map === 'samples');
  // cat opens at least its two arguments (the loader and locale files come on top).
  assert.ok(ring.length >= 2, `ring buffer events: ${ring.length}`);
  assert.equal(perf.length, ring.length);
  const comm = Buffer.from('tsbpf-cat').toString('hex');
  assert.ok(ring.every((p) => p.event!.data!.slice(8, 8 + comm.length) === comm));
  const maps = parsed.at(-1)!.maps!;
  assert.deepEqual(Object.keys(maps).sort(), ['total']);
  const total = maps.total as Array<{ formatted: { value: number } }>;
  assert.equal(total[0].formatted.value, ring.length);
});

test('attach --backend kernel --duration: text lines name each link, then the maps', { skip: kernelSkipReason() }, async () => {
  const lines: string[] = [];
  const code = await runKernelAttach({ object: 'test/kernel/fixtures/openat_events.bpf.o', duration: 0.2, write: (line) => lines.push(line) });
  assert.equal(code, 0);
  assert.equal(lines[0], 'attached on_openat to tracepoint syscalls/sys_enter_openat');
  assert.match(lines.at(-1)!, /^map total:\n\[\n\s+\{\n\s+"key": 0,\n\s+"value": \d+\n\s+\}\n\]\nFound 1 element$/);
});
