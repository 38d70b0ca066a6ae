// Tracing attachments in the real kernel, with real events: tracepoints (a
// file opened), raw tracepoints (syscalls), uprobes and uretprobes (a gcc-built
// binary, and libc through its .dynsym), kprobes (or the clear error where the
// kernel has none), perf_event sampling, and attachBySection's dispatch.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { closeSync, openSync, statSync } from 'node:fs';
import koffi from 'koffi';
import {
  AttachProgramError, AttachTargetError, NotSupportedError, SymbolNotFoundError, attachBySection, attachKprobe, attachPerfEvent,
  attachRawTracepoint, attachTracepoint, attachUprobe, readProbePmu, symbolFileOffset, resolveBinaryPath,
} from '../../src/kernel/index.js';
import { sectionMeaning } from '../../src/elf/index.js';
import { kernelSkipReason } from '../support/kernel.js';
import { counterMap, eventCounter, load, readCounter } from './attach-programs.js';
import { probeTarget, runProbeTarget } from './probe-target.js';

const skip = kernelSkipReason();
const target = probeTarget();
const gccSkip = skip ?? ('error' in target ? target.error : undefined);
const targetPath = 'path' in target ? target.path : '';

function openFile(times: number): void {
  for (let i = 0; i < times; i++) closeSync(openSync('/etc/hostname', 'r'));
}

test('tracepoint syscalls/sys_enter_openat counts this process\'s opens, and stops when the link closes', { skip }, () => {
  const map = counterMap();
  const prog = load('BPF_PROG_TYPE_TRACEPOINT', 'tp_openat', eventCounter(process.pid), [map]);
  try {
    const link = attachTracepoint(prog, 'syscalls/sys_enter_openat');
    assert.equal(link.kind, 'tracepoint');
    assert.equal(link.info().kind, 'tracepoint');
    assert.ok(link.isBpfLink);
    openFile(7);
    assert.equal(readCounter(map), 7n);
    link.close();
    assert.ok(link.closed);
    openFile(3);
    assert.equal(readCounter(map), 7n);
  } finally {
    prog.close();
    map.close();
  }
});

test('tracepoint errors: unknown tracepoint, malformed name, wrong program type', { skip }, () => {
  const map = counterMap();
  const tp = load('BPF_PROG_TYPE_TRACEPOINT', 'tp_err', eventCounter(), [map]);
  const xdp = load('BPF_PROG_TYPE_XDP', 'xdp_err', 'r0 = 2\nexit', []);
  try {
    assert.throws(() => attachTracepoint(tp, 'syscalls/sys_enter_no_such_call'), (e: unknown) => e instanceof AttachTargetError && /no such tracepoint/.test(e.message));
    assert.throws(() => attachTracepoint(tp, 'sys_enter_openat'), (e: unknown) => e instanceof AttachTargetError && /category\/name/.test(e.message));
    assert.throws(() => attachTracepoint(tp, '../x/y'), AttachTargetError);
    assert.throws(() => attachTracepoint(xdp, 'syscalls/sys_enter_openat'), (e: unknown) => e instanceof AttachProgramError && /BPF_PROG_TYPE_XDP.*BPF_PROG_TYPE_TRACEPOINT/.test(e.message));
  } finally {
    tp.close();
    xdp.close();
    map.close();
  }
});

test('raw tracepoint sys_enter sees this process\'s syscalls', { skip }, () => {
  const map = counterMap();
  const prog = load('BPF_PROG_TYPE_RAW_TRACEPOINT', 'raw_sys_enter', eventCounter(process.pid), [map]);
  try {
    const link = attachRawTracepoint(prog, 'sys_enter');
    assert.equal(link.info().kind, 'raw_tracepoint');
    const before = readCounter(map);
    for (let i = 0; i < 20; i++) statSync('/');
    const seen = readCounter(map) - before;
    assert.ok(seen >= 20n, `saw ${seen} syscalls, expected at least 20`);
    link.close();
    const after = readCounter(map);
    statSync('/');
    assert.equal(readCounter(map), after);
    assert.throws(() => attachRawTracepoint(prog, 'no_such_raw_tp'), AttachTargetError);
  } finally {
    prog.close();
    map.close();
  }
});

test('uprobe and uretprobe on a gcc-built binary\'s function fire once per call', { skip: gccSkip }, () => {
  const entries = counterMap();
  const returns = counterMap();
  const entry = load('BPF_PROG_TYPE_KPROBE', 'up_entry', eventCounter(), [entries]);
  const exit = load('BPF_PROG_TYPE_KPROBE', 'up_return', eventCounter(), [returns]);
  try {
    const offset = symbolFileOffset(targetPath, 'tsbpf_probe_target', 'uprobe');
    assert.ok(offset > 0);
    const up = attachUprobe(entry, `${targetPath}:tsbpf_probe_target`);
    const ret = attachUprobe(exit, `${targetPath}:tsbpf_probe_target`, { retprobe: true });
    assert.equal(up.info().kind, 'uprobe');
    assert.equal(ret.info().kind, 'uretprobe');
    assert.equal(runProbeTarget(targetPath, 'call', '25'), String(25 * 25));
    assert.equal(readCounter(entries), 25n);
    assert.equal(readCounter(returns), 25n);
    up.close();
    ret.close();
    runProbeTarget(targetPath, 'call', '5');
    assert.equal(readCounter(entries), 25n);
    assert.throws(() => attachUprobe(entry, `${targetPath}:no_such_function`), (e: unknown) => e instanceof SymbolNotFoundError && e.symbol === 'no_such_function');
    assert.throws(() => attachUprobe(entry, 'no-colon'), AttachTargetError);
  } finally {
    entry.close();
    exit.close();
    entries.close();
    returns.close();
  }
});

test('uprobe on libc.so.6:getppid (found through .dynsym) counts this process\'s calls only', { skip }, () => {
  const map = counterMap();
  const prog = load('BPF_PROG_TYPE_KPROBE', 'up_getppid', eventCounter(), [map]);
  try {
    const libcPath = resolveBinaryPath('libc.so.6', 'uprobe');
    const parent = process.ppid; // itself a getppid() call: read before attaching
    const link = attachUprobe(prog, 'libc.so.6:getppid', { pid: process.pid });
    assert.match(link.target, new RegExp(`^${libcPath.replace(/[.]/g, '\\.')}:getppid\\+0x[0-9a-f]+$`));
    const getppid = koffi.load('libc.so.6').func('int getppid(void)');
    for (let i = 0; i < 10; i++) assert.equal(getppid(), parent);
    link.close();
    assert.equal(readCounter(map), 10n);
  } finally {
    prog.close();
    map.close();
  }
});

test('kprobes: attach where the kernel has the kprobe PMU, else NotSupportedError naming kprobes', { skip }, () => {
  const map = counterMap();
  const prog = load('BPF_PROG_TYPE_KPROBE', 'kp_test', eventCounter(process.pid), [map]);
  try {
    if (readProbePmu('kprobe') === undefined) {
      assert.throws(() => attachKprobe(prog, 'do_sys_openat2'), (e: unknown) => e instanceof NotSupportedError && e.feature === 'kprobes' && /CONFIG_KPROBES/.test(e.message));
      return;
    }
    const link = attachKprobe(prog, 'do_sys_openat2');
    openFile(4);
    link.close();
    assert.ok(readCounter(map) >= 4n);
    assert.throws(() => attachKprobe(prog, 'no_such_kernel_function_tsbpf'), AttachTargetError);
  } finally {
    prog.close();
    map.close();
  }
});

test('perf_event: cpu-clock sampling at 1000 Hz on every CPU runs the program, one link per CPU', { skip }, async () => {
  const map = counterMap();
  const prog = load('BPF_PROG_TYPE_PERF_EVENT', 'perf_sample', eventCounter(), [map]);
  try {
    const link = attachPerfEvent(prog, { frequency: 1000 });
    assert.equal(link.kind, 'perf_event');
    const cpus = link.ids.length;
    assert.ok(cpus >= 1);
    if (cpus > 1) assert.throws(() => link.pin('/sys/fs/bpf/tsbpf/never'), NotSupportedError);
    const end = Date.now() + 150;
    while (Date.now() < end) Math.sqrt(Math.random());
    link.close();
    const samples = readCounter(map);
    assert.ok(samples >= 20n, `only ${samples} samples in 150 ms at 1000 Hz`);
    await new Promise((r) => setTimeout(r, 30));
    assert.equal(readCounter(map), samples);
    assert.throws(() => attachPerfEvent(prog, { frequency: 0 }), AttachTargetError);
  } finally {
    prog.close();
    map.close();
  }
});

test('attachBySection: tracepoint and uprobe targets come from the section name; missing targets say what to pass', { skip: gccSkip }, () => {
  const map = counterMap();
  const tp = load('BPF_PROG_TYPE_TRACEPOINT', 'sec_tp', eventCounter(process.pid), [map]);
  const up = load('BPF_PROG_TYPE_KPROBE', 'sec_up', eventCounter(), [map]);
  // As the loader reads them from section names (libbpf's table).
  const spec = (section: string) => {
    const meaning = sectionMeaning(section)!;
    return { name: 'p', section, type: meaning.progType, attachType: meaning.attachType, attachTo: meaning.attachTo };
  };
  try {
    const link = attachBySection(tp, spec('tracepoint/syscalls/sys_enter_openat'));
    openFile(3);
    link.close();
    assert.equal(readCounter(map), 3n);
    const ulink = attachBySection(up, spec(`uprobe/${targetPath}:tsbpf_probe_target`));
    runProbeTarget(targetPath, 'call', '4');
    ulink.close();
    assert.equal(readCounter(map), 7n);
    assert.throws(() => attachBySection(tp, spec('tracepoint')), (e: unknown) => e instanceof AttachProgramError && /target/.test(e.message));
    assert.throws(() => attachBySection(tp, spec('xdp')), (e: unknown) => e instanceof AttachProgramError && /interface/.test(e.message));
    assert.throws(() => attachBySection(tp, spec('lsm/file_open')), AttachProgramError);
  } finally {
    tp.close();
    up.close();
    map.close();
  }
});
