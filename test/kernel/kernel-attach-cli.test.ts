// The kernel path of `tsbpf attach`: every program of the object attached
// where its section says, ring buffer records and perf buffer samples
// streamed while COMMAND runs (as the VM session streams them), then every
// map as bpftool -j dumps it; and through the CLI itself.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SessionEvent } from '../../src/hooks/session/attach-session.js';
import { runKernelAttach } from '../../src/cli/kernel-attach/run-kernel-attach.js';
import { loadObject } from '../../src/object/index.js';
import { kernelSkipReason } from '../support/kernel.js';
import { runCli } from '../cli/spawn-cli.js';

const skip = kernelSkipReason();
const fixture = 'test/kernel/fixtures/openat_events.bpf.o';
const dir = mkdtempSync(join(tmpdir(), 'tsbpf-kattach-'));
after(() => rmSync(dir, { recursive: true, force: true }));
// The program reports only processes named tsbpf-cat: a copy of cat under that name.
const cat = join(dir, 'tsbpf-cat');
copyFileSync('/bin/cat', cat);

test('runKernelAttach with a COMMAND: events from both buffers, links described, then the maps', { skip }, async () => {
  const obj = await loadObject(fixture, { backend: 'kernel' });
  const events: SessionEvent[] = [];
  const attached: string[] = [];
  try {
    const result = await runKernelAttach(obj, {
      command: [cat, '/etc/hostname', '/etc/hostname'],
      commandStdoutToStderr: true,
      onEvent: (e) => events.push(e),
      onAttach: (program, hook) => attached.push(`${program} ${hook}`),
    });
    assert.equal(result.exitCode, 0);
    assert.deepEqual(attached, ['on_openat tracepoint syscalls/sys_enter_openat']);
    assert.equal(result.links.length, 1);
    assert.equal(result.links[0].ids.length, 1);
    const ring = events.filter((e) => e.kind === 'ringbuf');
    const perf = events.filter((e) => e.kind === 'perf');
    // cat opens at least its two arguments (the loader's and locale files come on top).
    assert.ok(ring.length >= 2, `ring buffer events: ${ring.length}`);
    assert.equal(perf.length, ring.length);
    // Records are formatted through the object's BTF (struct event is the only struct of their size).
    for (const e of [...ring, ...perf]) {
      assert.ok(e.kind !== 'trace' && e.type === 'struct event');
      assert.equal((e.formatted as { comm: string }).comm, 'tsbpf-cat');
    }
    const total = result.maps.total as Array<{ formatted: { value: number } }>;
    assert.equal(total[0].formatted.value, ring.length);
  } finally {
    obj.close();
  }
});

test('tsbpf attach --backend kernel --duration --json: link, events and maps on stdout', { skip }, async () => {
  const r = await runCli(['attach', fixture, '--backend', 'kernel', '--duration', '0.3', '--json']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /tsbpf: attached on_openat to tracepoint syscalls\/sys_enter_openat/);
  const last = JSON.parse(r.stdout.trim().split('\n').at(-1)!) as { maps: Record<string, unknown[]>; links: Array<{ kind: string }> };
  assert.deepEqual(Object.keys(last.maps).sort(), ['events', 'openat_e.bss', 'samples', 'total']);
  assert.equal(last.links[0].kind, 'tracepoint');
  const missing = await runCli(['attach', join(dir, 'none.o'), '--backend', 'kernel']);
  assert.equal(missing.code, 2);
});
