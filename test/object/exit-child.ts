// Child process of kernel-object.test.ts: loads objects into the kernel,
// never closes them, and reports at exit (after tsbpf's own exit hook has
// run) how many fds it holds compared with before the loads.
import { readdirSync } from 'node:fs';
import { loadObject } from '../../src/object/index.js';
import { fixturePath } from '../support/fixtures.js';

const count = (): number => readdirSync('/proc/self/fd').length;
const before = count();
await loadObject(fixturePath('xdp_firewall'), { backend: 'kernel' });
await loadObject(fixturePath('globals'), { backend: 'kernel' });
const loaded = count();
process.on('exit', () => {
  process.stdout.write(`${JSON.stringify({ before, loaded, atExit: count() })}\n`);
});
