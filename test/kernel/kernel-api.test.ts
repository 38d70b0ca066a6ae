// The bpf() layer against the real kernel: maps, program loads (and the
// verifier's log on a rejection), test runs of a socket filter and an XDP
// program, the conformance-convention runner, and fd ownership.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readlinkSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { assemble } from '../../src/isa/asm/index.js';
import {
  BPF_EXIST, BPF_NOEXIST, KernelError, KernelMap, KernelProgram, KernelRunInputError, MAX_KERNEL_RUN_MEM,
  VerifierRejectedError, possibleCpus, runInKernel, BpfMapType, BpfProgType,
} from '../../src/kernel/index.js';
import { kernelSkipReason } from '../support/kernel.js';

const skip = kernelSkipReason();
const u32 = (n: number): Uint8Array => new Uint8Array(new Uint32Array([n]).buffer);
const u64 = (n: bigint): Uint8Array => new Uint8Array(new BigUint64Array([n]).buffer);
const readU64 = (b: Uint8Array, at = 0): bigint => new DataView(b.buffer, b.byteOffset).getBigUint64(at, true);
/** What /proc says fd `fd` of this process is, or null when it is not open. */
function fdTarget(fd: number): string | null {
  try {
    return readlinkSync(`/proc/self/fd/${fd}`);
  } catch {
    return null;
  }
}

test('hash map: update, lookup, BPF_NOEXIST/BPF_EXIST, delete, get_next_key, info', { skip }, () => {
  const map = KernelMap.create({ type: 'BPF_MAP_TYPE_HASH', keySize: 4, valueSize: 8, maxEntries: 16, name: 'tsbpf_hash' });
  try {
    assert.equal(map.lookup(u32(1)), undefined);
    map.update(u32(1), u64(100n));
    map.update(u32(2), u64(200n), BPF_NOEXIST);
    map.update(u32(3), u64(300n));
    assert.equal(readU64(map.lookup(u32(2))!), 200n);

    assert.throws(() => map.update(u32(2), u64(1n), BPF_NOEXIST), (e: unknown) => e instanceof KernelError && e.code === 'EEXIST' && e.command === 'BPF_MAP_UPDATE_ELEM');
    assert.throws(() => map.update(u32(9), u64(1n), BPF_EXIST), (e: unknown) => e instanceof KernelError && e.code === 'ENOENT');
    map.update(u32(2), u64(222n), BPF_EXIST);
    assert.equal(readU64(map.lookup(u32(2))!), 222n);

    const keys = [...map.keys()].map((k) => new DataView(k.buffer).getUint32(0, true)).sort();
    assert.deepEqual(keys, [1, 2, 3]);

    assert.equal(map.delete(u32(1)), true);
    assert.equal(map.delete(u32(1)), false);
    assert.equal(map.lookup(u32(1)), undefined);
    assert.equal([...map.keys()].length, 2);

    const info = map.info();
    assert.equal(info.type, BpfMapType.BPF_MAP_TYPE_HASH);
    assert.equal(info.keySize, 4);
    assert.equal(info.valueSize, 8);
    assert.equal(info.maxEntries, 16);
    assert.equal(info.name, 'tsbpf_hash');
    assert.ok(info.id > 0);
  } finally {
    map.close();
  }
});

test('array map: out-of-range index is E2BIG, keys are every index', { skip }, () => {
  const map = KernelMap.create({ type: 'BPF_MAP_TYPE_ARRAY', keySize: 4, valueSize: 4, maxEntries: 3 });
  try {
    map.update(u32(2), u32(7));
    assert.deepEqual([...map.lookup(u32(2))!], [7, 0, 0, 0]);
    assert.deepEqual([...map.lookup(u32(0))!], [0, 0, 0, 0]);
    assert.throws(() => map.update(u32(3), u32(1)), (e: unknown) => e instanceof KernelError && e.code === 'E2BIG');
    assert.equal([...map.keys()].length, 3);
    // Array elements cannot be deleted: the kernel says EINVAL.
    assert.throws(() => map.delete(u32(0)), (e: unknown) => e instanceof KernelError && e.code === 'EINVAL');
  } finally {
    map.close();
  }
});

test('per-CPU array: one 8-byte-aligned value per possible CPU', { skip }, () => {
  const map = KernelMap.create({ type: 'BPF_MAP_TYPE_PERCPU_ARRAY', keySize: 4, valueSize: 4, maxEntries: 1 });
  try {
    const cpus = possibleCpus();
    assert.equal(map.userValueSize, 8 * cpus);
    const value = new Uint8Array(8 * cpus);
    for (let cpu = 0; cpu < cpus; cpu++) value[8 * cpu] = cpu + 1;
    map.update(u32(0), value);
    assert.deepEqual(map.lookup(u32(0)), value);
    assert.throws(() => map.update(u32(0), new Uint8Array(4)), KernelError);
  } finally {
    map.close();
  }
});

test('map create errors name the command and the errno', { skip }, () => {
  assert.throws(
    () => KernelMap.create({ type: 9999, keySize: 4, valueSize: 4, maxEntries: 1 }),
    (e: unknown) => e instanceof KernelError && e.command === 'BPF_MAP_CREATE' && e.code === 'EINVAL' && /BPF_MAP_CREATE failed: EINVAL/.test(e.message),
  );
});

test('close() releases the fd; the owner refuses use afterwards', { skip }, () => {
  const map = KernelMap.create({ type: 'BPF_MAP_TYPE_ARRAY', keySize: 4, valueSize: 4, maxEntries: 1 });
  const fd = map.fd;
  assert.match(fdTarget(fd) ?? '', /bpf-map/);
  map.close();
  assert.equal(map.closed, true);
  assert.doesNotMatch(fdTarget(fd) ?? '', /bpf-map/);
  assert.throws(() => map.fd, KernelError);
  map.close(); // idempotent

  const prog = KernelProgram.load({ type: 'BPF_PROG_TYPE_SOCKET_FILTER', insns: assemble('r0 = 0\nexit') });
  const progFd = prog.fd;
  assert.match(fdTarget(progFd) ?? '', /bpf-prog/);
  prog.close();
  assert.doesNotMatch(fdTarget(progFd) ?? '', /bpf-prog/);
});

test('a map dropped without close() has its fd closed by the finalizer', { skip }, () => {
  const child = fileURLToPath(new URL('./finalizer-child.ts', import.meta.url));
  const run = spawnSync(process.execPath, ['--expose-gc', '--import', 'tsx', child], { encoding: 'utf8' });
  assert.equal(run.status, 0, run.stderr);
  assert.deepEqual(JSON.parse(run.stdout), { before: true, after: false });
});

const setpriv = ['/usr/bin/setpriv', '/bin/setpriv'].find((p) => existsSync(p));
const unprivilegedSkip = process.getuid?.() !== 0 ? 'needs root to drop to an unprivileged user'
  : !setpriv ? 'setpriv(1) not installed' : undefined;

test('without privileges the probe gives the reason to skip', { skip: unprivilegedSkip }, (t) => {
  const child = fileURLToPath(new URL('./probe-child.ts', import.meta.url));
  const run = spawnSync(setpriv!, ['--reuid=65534', '--regid=65534', '--clear-groups', '--inh-caps=-all', process.execPath, '--import', 'tsx', child], { encoding: 'utf8' });
  if (run.status !== 0 && /EACCES|permission denied/i.test(run.stderr)) {
    t.skip('the checkout is not readable by user nobody');
    return;
  }
  assert.equal(run.status, 0, run.stderr);
  assert.match(JSON.parse(run.stdout) as string, /^bpf\(\) refused: EPERM \(needs root or CAP_BPF/);
});

test('a program the verifier refuses throws VerifierRejectedError with the log', { skip }, () => {
  const insns = assemble('r0 = r2\nexit');
  assert.throws(
    () => KernelProgram.load({ type: 'BPF_PROG_TYPE_SOCKET_FILTER', insns, name: 'bad' }),
    (e: unknown) => {
      assert.ok(e instanceof VerifierRejectedError);
      assert.equal(e.command, 'BPF_PROG_LOAD');
      assert.equal(e.code, 'EACCES');
      assert.match(e.log, /R2 !read_ok/);
      assert.match(e.message, /R2 !read_ok/);
      return true;
    },
  );
  // An unbounded loop: the kernel's complexity limit or loop detection.
  assert.throws(
    () => KernelProgram.load({ type: 'BPF_PROG_TYPE_SOCKET_FILTER', insns: assemble('r0 = 0\nl: goto l') }),
    (e: unknown) => e instanceof VerifierRejectedError && /infinite loop detected|too large|back-edge/.test(e.log),
  );
});

test('a log level asks for the log of an accepted program too; info reads back the program', { skip }, () => {
  const prog = KernelProgram.load({ type: 'BPF_PROG_TYPE_SOCKET_FILTER', insns: assemble('r0 = 1\nexit'), logLevel: 2, name: 'tsbpf_ok' });
  try {
    assert.match(prog.log, /processed 2 insns/);
    const info = prog.info();
    assert.equal(info.type, BpfProgType.BPF_PROG_TYPE_SOCKET_FILTER);
    assert.equal(info.name, 'tsbpf_ok');
    assert.equal(info.xlatedProgLen, 16);
    assert.match(info.tag, /^[0-9a-f]{16}$/);
  } finally {
    prog.close();
  }
});

test('socket filter test run: returns skb->len of the packet', { skip }, () => {
  // struct __sk_buff starts with `__u32 len`; the test run has already pulled the 14-byte Ethernet header.
  const prog = KernelProgram.load({ type: 'BPF_PROG_TYPE_SOCKET_FILTER', insns: assemble('r0 = *(u32 *)(r1 + 0)\nexit') });
  try {
    for (const length of [14, 60, 1500]) {
      const packet = Uint8Array.from({ length }, (_, i) => i & 0xff);
      const result = prog.testRun({ dataIn: packet });
      assert.equal(result.retval, length - 14);
      // data_out is the whole packet; the kernel (6.18) hands the Ethernet header back zeroed.
      assert.equal(result.dataOut!.length, length);
      assert.deepEqual(result.dataOut!.subarray(14), packet.subarray(14));
    }
  } finally {
    prog.close();
  }
});

test('XDP test run: the program rewrites the packet; data_out and retval come back', { skip }, () => {
  // Swap the first two bytes when the packet has them; XDP_PASS (2).
  const insns = assemble(`
    r2 = *(u32 *)(r1 + 0)
    r3 = *(u32 *)(r1 + 4)
    r4 = r2
    r4 += 2
    r0 = 1
    if r4 > r3 goto out
    r5 = *(u8 *)(r2 + 0)
    r6 = *(u8 *)(r2 + 1)
    *(u8 *)(r2 + 0) = r6
    *(u8 *)(r2 + 1) = r5
    r0 = 2
  out:
    exit
  `);
  const prog = KernelProgram.load({ type: 'BPF_PROG_TYPE_XDP', insns, name: 'tsbpf_xdp' });
  try {
    const packet = Uint8Array.from({ length: 64 }, (_, i) => i);
    const result = prog.testRun({ dataIn: packet });
    assert.equal(result.retval, 2);
    assert.deepEqual([...result.dataOut!.subarray(0, 4)], [1, 0, 2, 3]);
    assert.deepEqual(result.dataOut!.subarray(2), packet.subarray(2));
    // Repeated runs work on the same buffer: an even number of swaps restores it.
    const repeated = prog.testRun({ dataIn: packet, repeat: 1000 });
    assert.deepEqual(repeated.dataOut, packet);
    assert.ok(repeated.durationNs > 0, 'the kernel times repeated XDP runs');
    // XDP test runs need at least an Ethernet header.
    assert.throws(() => prog.testRun({ dataIn: new Uint8Array(8) }), (e: unknown) => e instanceof KernelError && e.code === 'EINVAL');
  } finally {
    prog.close();
  }
});

test('runInKernel: conformance calling convention, full 64-bit r0 and memory written back', { skip }, () => {
  const insns = assemble(`
    r0 = *(u32 *)(r1 + 4)
    *(u64 *)(r1 + 8) = r0
    *(u32 *)(r1 + 0) = r2
    r0 = 0x123456789abcdef0 ll
    exit
  `);
  const mem = Uint8Array.from({ length: 20 }, (_, i) => i + 1);
  const { r0, mem: after } = runInKernel(insns, mem);
  assert.equal(r0, 0x123456789abcdef0n);
  assert.equal(after.length, 20);
  assert.deepEqual([...after.subarray(0, 4)], [20, 0, 0, 0], 'r2 holds the length');
  assert.deepEqual([...after.subarray(8, 16)], [5, 6, 7, 8, 0, 0, 0, 0]);
  assert.deepEqual([...after.subarray(16)], [17, 18, 19, 20]);
  // Input is not modified in place.
  assert.equal(mem[0], 1);
});

test('runInKernel: bpf-to-bpf calls inside the program, empty memory', { skip }, () => {
  const insns = assemble(`
    r1 = 20
    call f
    r0 += 1
    exit
  f:
    r0 = r1
    r0 *= 2
    exit
  `);
  assert.equal(runInKernel(insns, new Uint8Array(0)).r0, 41n);
});

test('runInKernel: what the kernel refuses comes back with its verifier log', { skip }, () => {
  const cases: Array<[string, RegExp]> = [
    ['r0 = *(u32 *)(r1 + 2)\nexit', /invalid bpf_context access off=2 size=4/],
    ['r1 += 8\nr0 = *(u32 *)(r1 + 0)\nexit', /dereference of modified ctx ptr/],
    ['r2 = 1\nlock *(u64 *)(r1 + 0) += r2\nr0 = 0\nexit', /BPF_ATOMIC stores into R1 ctx is not allowed/],
    ['call 999\nexit', /invalid func unknown#999/],
  ];
  for (const [text, message] of cases) {
    assert.throws(() => runInKernel(assemble(text), new Uint8Array(16)), (e: unknown) => e instanceof VerifierRejectedError && message.test(e.log), text);
  }
  assert.throws(() => runInKernel(assemble('r0 = 0\nexit'), new Uint8Array(MAX_KERNEL_RUN_MEM + 1)), KernelRunInputError);
});
