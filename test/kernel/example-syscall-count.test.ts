// The README's kernel example: examples/syscall-count/count.ts loads the
// committed object into the kernel, attaches it to sys_enter_openat and
// prints the processes that open files; with --load a shell opening
// /etc/hostname ten times a second must show up, as `cat`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { kernelSkipReason } from '../support/kernel.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

test('syscall-count: attached in the kernel, counts openat() by process name', { skip: kernelSkipReason() }, () => {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'examples/syscall-count/count.ts', '1', '50', '--load'], { cwd: root, encoding: 'utf8', timeout: 30_000 });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /^attached count_openat to syscalls\/sys_enter_openat \(link id \d+\)/);
  assert.match(r.stdout, /--- 1s: top \d+ of \d+ processes by openat\(\) calls ---\nCOMM\s+OPENS\n/);
  const cat = /^cat\s+(\d+)$/m.exec(r.stdout);
  assert.ok(cat && Number(cat[1]) >= 3, `cat's opens were counted:\n${r.stdout}`);
});
