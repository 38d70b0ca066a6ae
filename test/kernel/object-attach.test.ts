// loadObject(..., { backend: 'kernel' }) then program.attach(): the section
// name picks the hook, the link counts real events into the object's map,
// read back through the BTF-decoded map API.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { loadObject } from '../../src/object/index.js';
import { kernelSkipReason } from '../support/kernel.js';

const object = 'examples/syscall-count/syscall_count.bpf.o';

test('a kernel object\'s program attaches where its section says; its map counts this process by comm', { skip: kernelSkipReason() }, async () => {
  const obj = await loadObject(object, { backend: 'kernel' });
  try {
    const comm = readFileSync('/proc/self/comm', 'utf8').trim();
    const link = obj.program('count_openat').attach();
    assert.equal(link.kind, 'tracepoint');
    assert.equal(link.target, 'syscalls/sys_enter_openat');
    for (let i = 0; i < 25; i++) closeSync(openSync('/etc/hostname', 'r'));
    link.close();
    const counted = obj.map('counts').get(comm);
    assert.equal(typeof counted, 'bigint');
    assert.ok((counted as bigint) >= 25n, `${comm} counted ${String(counted)}`);
  } finally {
    obj.close();
  }
});

test('a VM object\'s program attaches to tsbpf\'s user-space hook of the same name, not to the kernel', async () => {
  const obj = await loadObject(object);
  try {
    const link = obj.program('count_openat').attach();
    assert.equal(link.hook, 'tracepoint/syscalls/sys_enter_openat');
    link.detach();
  } finally {
    obj.close();
  }
});
