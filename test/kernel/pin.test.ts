// Pinning in bpffs: maps, programs and links pinned and opened again; a
// pinned link keeps its program attached after its fds are closed; a path
// already taken is a typed error; pin-by-name reuse (LIBBPF_PIN_BY_NAME) with
// compatibility checks.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { closeSync, existsSync, openSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import {
  KernelLink, KernelMap, PinError, PinExistsError, PinMismatchError, TSBPF_PIN_ROOT, attachTracepoint, createOrReusePinnedMap,
  openPinned, openPinnedMap, openPinnedProgram, pinFd, unpin,
} from '../../src/kernel/index.js';
import { sysClose } from '../../src/kernel/syscall.js';
import { kernelSkipReason } from '../support/kernel.js';
import { counterMap, eventCounter, load, readCounter } from './attach-programs.js';

const skip = kernelSkipReason();
const dir = join(TSBPF_PIN_ROOT, `test-${process.pid}`);
after(() => rmSync(dir, { recursive: true, force: true }));

const u32 = (n: number): Uint8Array => new Uint8Array(new Uint32Array([n]).buffer);

test('a pinned map outlives its fd and is opened again by path, with its contents', { skip }, () => {
  const path = join(dir, 'counts');
  const map = KernelMap.create({ type: 'BPF_MAP_TYPE_HASH', keySize: 4, valueSize: 4, maxEntries: 8, name: 'pinned_hash' });
  map.update(u32(1), u32(42));
  pinFd(map.fd, path);
  const id = map.info().id;
  map.close();
  const again = openPinnedMap(path);
  try {
    assert.equal(again.info().id, id);
    assert.equal(again.name, 'pinned_hash');
    assert.equal(again.keySize, 4);
    assert.deepEqual([...again.lookup(u32(1))!], [42, 0, 0, 0]);
    // A second pin at the same path: typed, and it says what is there.
    assert.throws(() => pinFd(again.fd, path), (e: unknown) => e instanceof PinExistsError && e.existing === 'map' && e.path === path);
    // Opening the path as a program: the kind is checked.
    assert.throws(() => openPinnedProgram(path), (e: unknown) => e instanceof PinMismatchError && /a map is pinned there, not a program/.test(e.message));
  } finally {
    again.close();
  }
  unpin(path);
  assert.equal(existsSync(path), false);
  assert.throws(() => openPinnedMap(path), (e: unknown) => e instanceof PinError && /nothing is pinned/.test(e.message));
  assert.throws(() => unpin(path), PinError);
});

test('pins go only on bpffs: a path elsewhere is refused clearly', { skip }, () => {
  const map = counterMap();
  try {
    assert.throws(() => pinFd(map.fd, '/tmp/tsbpf-not-bpffs/map'), (e: unknown) => e instanceof PinError && /not on a bpf file system/.test(e.message));
  } finally {
    map.close();
  }
});

test('a pinned program is opened again with its type and name', { skip }, () => {
  const path = join(dir, 'prog');
  const prog = load('BPF_PROG_TYPE_SOCKET_FILTER', 'pinned_prog', 'r0 = 5\nexit', []);
  pinFd(prog.fd, path);
  prog.close();
  const again = openPinnedProgram(path);
  try {
    assert.equal(again.name, 'pinned_prog');
    assert.equal(again.testRun({ dataIn: new Uint8Array(64) }).retval, 5);
    assert.equal(openPinned(path).kind, 'program');
  } finally {
    again.close();
    unpin(path);
  }
});

test('a pinned tracepoint link keeps counting after every fd is closed, until unpinned', { skip }, () => {
  const path = join(dir, 'link');
  const map = counterMap();
  const prog = load('BPF_PROG_TYPE_TRACEPOINT', 'pinned_tp', eventCounter(process.pid), [map]);
  const link = attachTracepoint(prog, 'syscalls/sys_enter_openat');
  link.pin(path);
  const linkId = link.info().id;
  link.close();
  prog.close();
  const open = (): void => closeSync(openSync('/etc/hostname', 'r'));
  try {
    const base = readCounter(map); // pinning itself opened /proc/self/mounts
    open();
    open();
    assert.equal(readCounter(map), base + 2n);
    const reopened = KernelLink.fromPinned(path);
    assert.equal(reopened.kind, 'tracepoint');
    assert.equal(reopened.info().id, linkId);
    reopened.unpin();
    reopened.close();
    open();
    assert.equal(readCounter(map), base + 2n);
  } finally {
    if (existsSync(path)) unpin(path);
    map.close();
  }
});

test('pin by name: a compatible pinned map is reused with its contents, an incompatible one is a typed error', { skip }, () => {
  const path = join(dir, 'by_name');
  const definition = { type: 'BPF_MAP_TYPE_HASH', keySize: 4, valueSize: 8, maxEntries: 16, name: 'by_name' } as const;
  const first = createOrReusePinnedMap(definition, path);
  assert.equal(first.reused, false);
  first.map.update(u32(3), new Uint8Array(8).fill(9));
  first.map.close();
  const second = createOrReusePinnedMap(definition, path);
  try {
    assert.equal(second.reused, true);
    assert.deepEqual([...second.map.lookup(u32(3))!], [9, 9, 9, 9, 9, 9, 9, 9]);
  } finally {
    second.map.close();
  }
  assert.throws(() => createOrReusePinnedMap({ ...definition, valueSize: 4, maxEntries: 32 }, path),
    (e: unknown) => e instanceof PinMismatchError && e.mismatches.length === 2 && /value_size is 8, not 4/.test(e.message) && /max_entries is 16, not 32/.test(e.message));
  assert.throws(() => createOrReusePinnedMap(definition, path, 'error'), PinExistsError);
  unpin(path);
});

test('BPF_OBJ_GET hands out a new fd each time; the kind comes from the fd', { skip }, () => {
  const path = join(dir, 'kinds');
  const map = counterMap();
  pinFd(map.fd, path);
  try {
    const a = openPinned(path);
    const b = openPinned(path);
    assert.notEqual(a.fd, b.fd);
    assert.equal(a.kind, 'map');
    sysClose(a.fd);
    sysClose(b.fd);
  } finally {
    map.close();
    unpin(path);
  }
});
