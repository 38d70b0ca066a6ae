// Run by kernel-api.test.ts with --expose-gc: creates a map, drops it without
// close(), collects garbage, and prints whether its fd is still open.
import { readlinkSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { KernelMap } from '../../src/kernel/index.js';

const isOpen = (fd: number): boolean => {
  try {
    return readlinkSync(`/proc/self/fd/${fd}`).includes('bpf-map');
  } catch {
    return false;
  }
};

const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with --expose-gc');
let fd = -1;
(() => {
  fd = KernelMap.create({ type: 'BPF_MAP_TYPE_ARRAY', keySize: 4, valueSize: 4, maxEntries: 1 }).fd;
})();
const before = isOpen(fd);
for (let i = 0; i < 20 && isOpen(fd); i++) {
  gc();
  await sleep(10);
}
console.log(JSON.stringify({ before, after: isOpen(fd) }));
