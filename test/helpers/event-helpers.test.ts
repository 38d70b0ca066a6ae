import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MemoryAccessError } from '../../src/memory/errors.js';
import { createMap, mapRegistry, RingBufMap, PerfEventArrayMap, EAGAIN, EINVAL, EFAULT, E2BIG } from '../../src/maps/index.js';
import { HelperError } from '../../src/helpers/errors.js';
import { prepareTestRun } from '../../src/progtypes/index.js';
import { enc, testEnv } from './env.js';

test('ringbuf_reserve / submit / discard from a program', () => {
  const t = testEnv();
  const rb = createMap(t.arena, { type: 'ringbuf', keySize: 0, valueSize: 0, maxEntries: 4096 }) as RingBufMap;
  const a = t.call('ringbuf_reserve', rb.pointer, 5n, 0n);
  const b = t.call('ringbuf_reserve', rb.pointer, 3n, 0n);
  assert.notEqual(a, 0n);
  t.arena.bytes.set(enc('hello'), t.off(a));
  t.arena.bytes.set(enc('bye'), t.off(b));
  assert.throws(() => t.arena.check(0, t.off(a), 6, true), MemoryAccessError, 'the record is exactly 5 bytes');
  assert.equal(t.call('ringbuf_discard', b, 0n), 0n);
  assert.equal(t.call('ringbuf_submit', a, 0n), 0n);
  assert.deepEqual(rb.drain(), [enc('hello')]);
  assert.throws(() => t.call('ringbuf_submit', a, 0n), HelperError, 'already submitted');
  assert.equal(t.call('ringbuf_reserve', rb.pointer, 8n, 1n), 0n, 'flags must be 0');
  assert.equal(t.call('ringbuf_reserve', rb.pointer, 5000n, 0n), 0n, 'larger than the ring');
  assert.equal(t.call('ringbuf_query', rb.pointer, 1n), 4096n);
});

test('ringbuf_output copies a record in one call', () => {
  const t = testEnv();
  const rb = createMap(t.arena, { type: 'ringbuf', keySize: 0, valueSize: 0, maxEntries: 4096 }) as RingBufMap;
  const data = t.region(1000, new Uint8Array(1000).fill(7));
  let n = 0;
  while (t.call('ringbuf_output', rb.pointer, data, 1000n, 0n) === 0n) n++;
  assert.equal(n, 4);
  assert.equal(t.signed('ringbuf_output', rb.pointer, data, 1000n, 0n), BigInt(-EAGAIN));
  assert.equal(t.signed('ringbuf_output', rb.pointer, data, 10n, 8n), BigInt(-EINVAL));
  assert.equal(rb.drain().length, 4);
  const h = createMap(t.arena, { type: 'hash', keySize: 4, valueSize: 4, maxEntries: 1 });
  assert.throws(() => t.call('ringbuf_output', h.pointer, data, 4n, 0n), HelperError);
});

test('perf_event_output: current CPU, explicit index, and packet bytes for XDP', () => {
  const t = testEnv();
  mapRegistry(t.arena).nCpus = 2;
  const pe = createMap(t.arena, { type: 'perf_event_array', keySize: 4, valueSize: 4, maxEntries: 2 }) as PerfEventArrayMap;
  const [b0, b1] = pe.openAll();
  const data = t.region(4, enc('abcd'));
  t.env.cpu = 1;
  assert.equal(t.call('perf_event_output', 0n, pe.pointer, 0xffffffffn, data, 4n), 0n);
  assert.deepEqual(b1.drain(), [new Uint8Array([97, 98, 99, 100])], 'size + 4 is already a multiple of 8: no padding');
  assert.equal(t.signed('perf_event_output', 0n, pe.pointer, 0n, data, 4n), -95n, 'slot 0 is CPU 0\'s (-EOPNOTSUPP)');
  assert.equal(t.signed('perf_event_output', 0n, pe.pointer, 5n, data, 4n), BigInt(-E2BIG));
  assert.equal(t.signed('perf_event_output', 0n, pe.pointer, 1n << 32n, data, 4n), BigInt(-EINVAL), 'ctxlen needs a packet context');
  const run = prepareTestRun(t.arena, 'xdp', { dataIn: new Uint8Array(20).map((_, i) => i) });
  t.env.cpu = 0;
  assert.equal(t.call('perf_event_output', run.ctx, pe.pointer, (3n << 32n) | 0xffffffffn, data, 4n), 0n);
  assert.deepEqual(b0.drain(), [new Uint8Array([97, 98, 99, 100, 0, 1, 2, 0, 0, 0, 0, 0])]);
  assert.equal(t.signed('perf_event_output', run.ctx, pe.pointer, (21n << 32n) | 0xffffffffn, data, 4n), BigInt(-EFAULT));
  run.release();
});
