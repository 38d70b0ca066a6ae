import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MemoryAccessError } from '../../src/memory/errors.js';
import { EINVAL } from '../../src/maps/errno.js';
import { helperRuntime, ManualClock, TracePipe } from '../../src/helpers/index.js';
import { cstr, enc, testEnv } from './env.js';

test('trace_printk formats up to three arguments into the trace pipe', () => {
  const t = testEnv();
  const runtime = helperRuntime(t.arena);
  runtime.clock = new ManualClock(12_345_678_901_000n);
  runtime.task = { pid: 4242, tgid: 4242, uid: 0, gid: 0, comm: 'node' };
  t.env.cpu = 1;
  const name = t.region(8, cstr('eth0'));
  const fmt = cstr('dev %s: %d pkts (%x)');
  const r = t.call('trace_printk', t.region(fmt.length, fmt), BigInt(fmt.length), name, BigInt.asUintN(64, -3n), 255n);
  assert.equal(r, BigInt('dev eth0: -3 pkts (ff)'.length));
  const [record] = runtime.tracePipe.readRecords();
  assert.equal(record.message, 'dev eth0: -3 pkts (ff)');
  assert.equal(record.cpu, 1);
  assert.equal(TracePipe.format(record), '            node-4242    [001] ..... 12345.678901: bpf_trace_printk: dev eth0: -3 pkts (ff)\n');
  assert.equal(runtime.tracePipe.pending, 0, 'reading consumes');
});

test('trace_printk: the format must hold its NUL within fmt_size; bad formats give -EINVAL', () => {
  const t = testEnv();
  const f = t.region(8, enc('abcdefgh'));
  assert.equal(t.signed('trace_printk', f, 8n), BigInt(-EINVAL));
  const bad = cstr('%d %d %d %d');
  assert.equal(t.signed('trace_printk', t.region(bad.length, bad), BigInt(bad.length), 1n, 2n, 3n), BigInt(-EINVAL), 'four conversions, three arguments');
  assert.throws(() => t.call('trace_printk', f, 16n), MemoryAccessError, 'fmt_size beyond the memory');
  assert.equal(helperRuntime(t.arena).tracePipe.pending, 0);
});

test('trace_printk: messages are cut to 511 bytes, the result is the full length', () => {
  const t = testEnv();
  const long = t.region(700, cstr('z'.repeat(600)));
  const fmt = cstr('%s!!');
  assert.equal(t.call('trace_printk', t.region(fmt.length, fmt), BigInt(fmt.length), long), 513n, 'the string argument is cut to 511 bytes, then 2 more');
  const [record] = helperRuntime(t.arena).tracePipe.readRecords();
  assert.equal(record.message, 'z'.repeat(511));
  const two = cstr('%s%s');
  assert.equal(t.signed('trace_printk', t.region(two.length, two), BigInt(two.length), long, long), -28n, 'no room left for a second string (-ENOSPC)');
});

test('trace_vprintk takes up to 12 u64 arguments from an array', () => {
  const t = testEnv();
  const args = new Uint8Array(12 * 8);
  const view = new DataView(args.buffer);
  for (let i = 0; i < 12; i++) view.setBigUint64(i * 8, BigInt(i), true);
  const fmt = cstr('%d%d%d%d%d%d%d%d%d%d%d%d');
  const f = t.region(fmt.length, fmt);
  const a = t.region(args.length, args);
  assert.equal(t.call('trace_vprintk', f, BigInt(fmt.length), a, 96n), 14n);
  assert.equal(helperRuntime(t.arena).tracePipe.readRecords()[0].message, '01234567891011');
  assert.equal(t.signed('trace_vprintk', f, BigInt(fmt.length), a, 100n), BigInt(-EINVAL), 'data_len not a multiple of 8');
  assert.equal(t.signed('trace_vprintk', f, BigInt(fmt.length), a, 104n), BigInt(-EINVAL), 'more than 12 arguments');
  assert.equal(t.signed('trace_vprintk', f, BigInt(fmt.length), 0n, 8n), BigInt(-EINVAL), 'NULL data with a length');
});

test('snprintf writes at most str_size bytes with a NUL and returns the length plus one', () => {
  const t = testEnv();
  const fmt = t.region(16, cstr('%s-%u'), false);
  const args = new Uint8Array(16);
  const s = t.region(8, cstr('abc'));
  new DataView(args.buffer).setBigUint64(0, s, true);
  new DataView(args.buffer).setBigUint64(8, 12345n, true);
  const a = t.region(16, args);
  const out = t.region(6);
  assert.equal(t.call('snprintf', out, 6n, fmt, a, 16n), 10n);
  assert.deepEqual(t.arena.bytes.slice(t.off(out), t.off(out) + 6), cstr('abc-1'));
  assert.equal(t.call('snprintf', 0n, 0n, fmt, a, 16n), 10n, 'size 0 only measures');
  assert.equal(t.signed('snprintf', out, 6n, fmt, a, 8n), BigInt(-EINVAL), 'too few arguments');
});

test('strncmp compares like the kernel\'s strncmp', () => {
  const t = testEnv();
  const s1 = t.region(8, cstr('abcd'));
  const cmp = (s2: string, n: number): bigint => t.signed('strncmp', s1, BigInt(n), t.region(s2.length + 1, cstr(s2), false));
  assert.equal(cmp('abcd', 5), 0n);
  assert.equal(cmp('abcz', 4), -1n);
  assert.equal(cmp('abca', 4), 1n);
  assert.equal(cmp('abcz', 3), 0n);
  assert.equal(cmp('ab', 4), 1n);
  assert.equal(cmp('abcde', 5), -1n);
});
