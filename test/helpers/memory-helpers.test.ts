import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EFAULT } from '../../src/maps/errno.js';
import { helperRuntime, TASK_STRUCT, ManualClock, initialJiffies } from '../../src/helpers/index.js';
import { cstr, testEnv } from './env.js';

test('probe_read_kernel copies from any region; a fault zeroes the destination and gives -EFAULT', () => {
  const t = testEnv();
  const src = t.region(8, new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8]), false);
  t.arena.alloc(64); // a gap that is no region
  const dst = t.region(8, new Uint8Array(8).fill(0xee));
  assert.equal(t.call('probe_read_kernel', dst, 8n, src), 0n);
  assert.deepEqual(t.arena.bytes.slice(t.off(dst), t.off(dst) + 8), new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8]));
  for (const name of ['probe_read', 'probe_read_user', 'probe_read_kernel'] as const) {
    t.arena.bytes.fill(0xee, t.off(dst), t.off(dst) + 8);
    assert.equal(t.signed(name, dst, 8n, src + 4n), BigInt(-EFAULT), `${name} past the region`);
    assert.deepEqual(t.arena.bytes.slice(t.off(dst), t.off(dst) + 8), new Uint8Array(8));
    assert.equal(t.signed(name, dst, 8n, 0n), BigInt(-EFAULT), `${name} of NULL`);
    assert.equal(t.signed(name, dst, 8n, 0xdead_0000_0000_0000n), BigInt(-EFAULT));
  }
  assert.equal(t.call('probe_read_kernel', dst, 0n, 0n), 0n, 'size 0');
});

test('probe_read_str copies a NUL-terminated string, truncated to the size', () => {
  const t = testEnv();
  const src = t.region(16, cstr('hello'));
  const dst = t.region(16);
  assert.equal(t.call('probe_read_kernel_str', dst, 16n, src), 6n);
  assert.deepEqual(t.arena.bytes.slice(t.off(dst), t.off(dst) + 6), cstr('hello'));
  assert.equal(t.call('probe_read_user_str', dst, 3n, src), 3n);
  assert.deepEqual(t.arena.bytes.slice(t.off(dst), t.off(dst) + 3), cstr('he'));
  const unterminated = t.region(4, new Uint8Array([0x61, 0x62, 0x63, 0x64]));
  assert.equal(t.signed('probe_read_str', dst, 16n, unterminated), BigInt(-EFAULT), 'the string runs out of memory');
  assert.equal(t.call('probe_read_kernel_str', dst, 0n, src), 0n);
});

test('current task helpers: the Node.js process by default, or what the runtime says', () => {
  const t = testEnv();
  assert.equal(t.call('get_current_pid_tgid'), (BigInt(process.pid) << 32n) | BigInt(process.pid));
  assert.equal(t.call('get_current_uid_gid'), (BigInt(process.getgid!()) << 32n) | BigInt(process.getuid!()));
  helperRuntime(t.arena).task = { pid: 11, tgid: 10, uid: 1000, gid: 100, comm: 'a-very-long-process-name' };
  assert.equal(t.call('get_current_pid_tgid'), (10n << 32n) | 11n);
  assert.equal(t.call('get_current_uid_gid'), (100n << 32n) | 1000n);
  const buf = t.region(16, new Uint8Array(16).fill(0xff));
  assert.equal(t.call('get_current_comm', buf, 16n), 0n);
  assert.deepEqual(t.arena.bytes.slice(t.off(buf), t.off(buf) + 16), cstr('a-very-long-pro'));
  assert.equal(t.call('get_current_comm', buf, 4n), 0n);
  assert.deepEqual(t.arena.bytes.slice(t.off(buf), t.off(buf) + 4), cstr('a-v'));
  const task = t.call('get_current_task');
  const dst = t.region(8);
  assert.equal(t.call('probe_read_kernel', dst, 4n, task + BigInt(TASK_STRUCT.tgid)), 0n, 'readable with probe_read');
  assert.equal(t.arena.view.getInt32(t.off(dst), true), 10);
});

test('time helpers read the runtime clock', () => {
  const t = testEnv();
  const clock = new ManualClock(1_000_000_007n, 250, 5_000_000_000n);
  helperRuntime(t.arena).clock = clock;
  assert.equal(t.call('ktime_get_ns'), 1_000_000_007n);
  assert.equal(t.call('ktime_get_boot_ns'), 1_000_000_007n);
  assert.equal(t.call('ktime_get_coarse_ns'), 1_000_000_000n, 'at the last 4 ms tick');
  assert.equal(t.call('ktime_get_tai_ns'), 6_000_000_007n);
  assert.equal(t.call('jiffies64'), initialJiffies(250) + 250n);
  clock.advance(4_000_000n);
  assert.equal(t.call('jiffies64'), initialJiffies(250) + 251n);
  assert.equal(initialJiffies(250), 0xfffedb08n, 'INITIAL_JIFFIES for HZ=250');
  const real = testEnv();
  const a = real.call('ktime_get_ns');
  const b = real.call('ktime_get_ns');
  assert.ok(b >= a && a > 0n);
});

test('get_prandom_u32 is a seedable 32-bit sequence; numa node 0', () => {
  const t = testEnv();
  const rt = helperRuntime(t.arena);
  rt.random.seed(1);
  const first = [t.call('get_prandom_u32'), t.call('get_prandom_u32'), t.call('get_prandom_u32')];
  rt.random.seed(1);
  assert.deepEqual([t.call('get_prandom_u32'), t.call('get_prandom_u32'), t.call('get_prandom_u32')], first);
  assert.ok(first.every((v) => v < 2n ** 32n));
  assert.equal(new Set(first).size, 3);
  assert.equal(t.call('get_numa_node_id'), 0n);
});

test('get_func_ip and get_attach_cookie report what the hook set', () => {
  const t = testEnv();
  assert.equal(t.call('get_attach_cookie', 0n), 0n);
  t.env.attachCookie = 0xc00c1en;
  t.env.funcIp = 0xffffffff81001000n;
  assert.equal(t.call('get_attach_cookie', 0n), 0xc00c1en);
  assert.equal(t.call('get_func_ip', 0n), 0xffffffff81001000n);
});
