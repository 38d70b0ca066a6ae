// Every kernel object is released by its owner: fds back to where they were
// after close(), links gone from `bpftool link list`, a process that exits
// without closing leaves nothing attached; and without privileges each
// operation fails with a typed error.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  KernelMap, PerfBufferReader, RingBufferReader, attachPerfEvent, attachRawTracepoint, attachSocketFilter, attachTracepoint,
} from '../../src/kernel/index.js';
import { libc } from '../../src/kernel/libc/libc.js';
import { kernelSkipReason } from '../support/kernel.js';
import { counterMap, eventCounter, load } from './attach-programs.js';

const skip = kernelSkipReason();
const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');

const openFds = (): number => readdirSync('/proc/self/fd').length;

/** Link ids and program ids the kernel has now (bpftool -j link list). */
function kernelLinks(): { id: number; prog_id: number }[] {
  const r = spawnSync('bpftool', ['-j', 'link', 'list'], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`bpftool link list: ${r.stderr}`);
  return JSON.parse(r.stdout || '[]') as { id: number; prog_id: number }[];
}
const bpftoolSkip = skip ?? (spawnSync('bpftool', ['version']).status === 0 ? undefined : 'bpftool is not installed');

test('close() gives back every fd: maps, programs, links of each kind, readers', { skip }, () => {
  const before = openFds();
  const map = counterMap();
  const rb = KernelMap.create({ type: 'BPF_MAP_TYPE_RINGBUF', keySize: 0, valueSize: 0, maxEntries: 4096 });
  const pe = KernelMap.create({ type: 'BPF_MAP_TYPE_PERF_EVENT_ARRAY', keySize: 4, valueSize: 4, maxEntries: 64 });
  const tp = load('BPF_PROG_TYPE_TRACEPOINT', 'rel_tp', eventCounter(), [map]);
  const raw = load('BPF_PROG_TYPE_RAW_TRACEPOINT', 'rel_raw', eventCounter(), [map]);
  const perf = load('BPF_PROG_TYPE_PERF_EVENT', 'rel_perf', eventCounter(), [map]);
  const sock = load('BPF_PROG_TYPE_SOCKET_FILTER', 'rel_sock', 'r0 = -1\nexit', []);
  const fds = new Int32Array(2);
  libc().socketpair(1, 2, 0, fds);
  const attached = [
    attachTracepoint(tp, 'syscalls/sys_enter_openat'), attachRawTracepoint(raw, 'sys_enter'),
    attachPerfEvent(perf, { frequency: 10 }), attachSocketFilter(sock, fds[1]),
  ];
  const readers = [new RingBufferReader(rb), new PerfBufferReader(pe)];
  assert.ok(openFds() > before + 8);
  for (const l of attached) l.close();
  for (const r of readers) r.close();
  for (const o of [tp, raw, perf, sock, map, rb, pe]) o.close();
  libc().close(fds[0]);
  libc().close(fds[1]);
  assert.equal(openFds(), before);
  // Closing twice is harmless.
  for (const l of attached) l.close();
  assert.equal(openFds(), before);
});

test('links are listed by bpftool while attached and gone after close()', { skip: bpftoolSkip }, () => {
  const map = counterMap();
  const prog = load('BPF_PROG_TYPE_TRACEPOINT', 'rel_listed', eventCounter(), [map]);
  try {
    const link = attachTracepoint(prog, 'syscalls/sys_enter_openat');
    const id = link.info().id;
    const progId = prog.info().id;
    assert.ok(kernelLinks().some((l) => l.id === id && l.prog_id === progId));
    link.close();
    assert.ok(!kernelLinks().some((l) => l.id === id));
  } finally {
    prog.close();
    map.close();
  }
});

test('a process that exits without closing leaves no link or program behind', { skip: bpftoolSkip }, async () => {
  const child = spawnSync(process.execPath, ['--import', 'tsx', join(here, 'attach-child.ts'), 'leak'], { cwd: root, encoding: 'utf8' });
  assert.equal(child.status, 0, child.stderr);
  const { links, progs } = JSON.parse(child.stdout) as { links: number[]; progs: number[] };
  assert.ok(links.length >= 3);
  // Links are freed as the dying process's files are released; allow the kernel a moment.
  let left: number[] = [];
  for (let attempt = 0; attempt < 40; attempt++) {
    const now = new Set(kernelLinks().map((l) => l.id));
    left = links.filter((id) => now.has(id));
    if (left.length === 0) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  assert.deepEqual(left, []);
  const programs = spawnSync('bpftool', ['-j', 'prog', 'list'], { encoding: 'utf8' });
  const ids = new Set((JSON.parse(programs.stdout) as { id: number }[]).map((p) => p.id));
  assert.deepEqual(progs.filter((id) => ids.has(id)), []);
});

test('without privileges: bpf(), bpffs and tracefs refusals are typed errors that say why', { skip }, () => {
  const child = spawnSync(process.execPath, ['--import', 'tsx', join(here, 'attach-child.ts'), 'unprivileged'], {
    cwd: root, encoding: 'utf8', uid: 65534, gid: 65534,
  });
  assert.equal(child.status, 0, child.stderr);
  const result = JSON.parse(child.stdout) as Record<string, string>;
  assert.match(result.available, /bpf\(\) refused: EPERM \(needs root or CAP_BPF/);
  assert.match(result.mapCreate, /^KernelError EPERM: BPF_MAP_CREATE failed: EPERM/);
  assert.match(result.objGet, /^KernelError (EACCES|EPERM): BPF_OBJ_GET failed/);
  assert.match(result.tracepoint, /^KernelError (EACCES|EPERM): (open failed|perf_event_open failed)/);
});
