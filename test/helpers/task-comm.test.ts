// comm as the kernel keeps it for this Node.js process: bpf_get_current_comm
// gives the executable's basename, or the title the program set.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { test } from 'node:test';
import { commBytes, commOf, currentProcessIdentity } from '../../src/helpers/task.js';

test('commOf: the basename of a title that is still argv[0]; a title the program set, as it is', () => {
  assert.equal(commOf('/usr/bin/node', '/usr/bin/node'), 'node');
  assert.equal(commOf('node', 'node'), 'node');
  assert.equal(commOf('./bin/tsbpf-runner', './bin/tsbpf-runner'), 'tsbpf-runner');
  assert.equal(commOf('api/worker-7', '/usr/bin/node'), 'api/worker-7');
  assert.equal(commOf('my server', '/usr/bin/node'), 'my server');
  assert.deepEqual(commBytes(commOf('/opt/x/a-very-long-executable-name', '/opt/x/a-very-long-executable-name')), new Uint8Array(Buffer.from('a-very-long-exe\0')));
});

test('the current task\'s comm is the kernel\'s comm of this process', { skip: !fs.existsSync('/proc/self/comm') && 'no /proc/self/comm' }, () => {
  assert.equal(currentProcessIdentity().comm.slice(0, 15), fs.readFileSync('/proc/self/comm', 'utf8').trim());
});
