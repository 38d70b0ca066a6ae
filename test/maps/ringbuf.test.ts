import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Arena } from '../../src/memory/arena.js';
import { MemoryAccessError } from '../../src/memory/errors.js';
import {
  createMap, RingBufMap, MapDefinitionError, ringBufOfSample, BPF_RB_AVAIL_DATA, BPF_RB_CONS_POS, BPF_RB_FORCE_WAKEUP,
  BPF_RB_NO_WAKEUP, BPF_RB_PROD_POS, BPF_RB_RING_SIZE, EAGAIN, EINVAL,
} from '../../src/maps/index.js';

const ring = (arena = new Arena(), size = 4096): RingBufMap =>
  createMap(arena, { type: 'ringbuf', keySize: 0, valueSize: 0, maxEntries: size, name: 'rb' }) as RingBufMap;

const text = (s: string): Uint8Array => new TextEncoder().encode(s);

test('ringbuf: output then drain in order; query positions', () => {
  const rb = ring();
  assert.equal(rb.output(text('hello'), 0n), 0);
  assert.equal(rb.output(text('world!!!!'), 0n), 0);
  assert.equal(rb.query(BPF_RB_RING_SIZE), 4096n);
  assert.equal(rb.query(BPF_RB_PROD_POS), 16n + 24n, 'records are 8-byte headers plus data padded to 8');
  assert.equal(rb.query(BPF_RB_AVAIL_DATA), 40n);
  assert.deepEqual(rb.drain(), [text('hello'), text('world!!!!')]);
  assert.equal(rb.query(BPF_RB_CONS_POS), 40n);
  assert.equal(rb.query(BPF_RB_AVAIL_DATA), 0n);
  assert.equal(rb.query(99n), 0n);
  assert.equal(rb.output(text('x'), 4n), -EINVAL);
});

test('ringbuf: reserved records are regions until committed; discarded ones are skipped', () => {
  const arena = new Arena();
  const rb = ring(arena);
  const a = rb.reserve(16);
  const b = rb.reserve(4);
  arena.check(0, a, 16, true);
  assert.throws(() => arena.check(0, a, 17, true), MemoryAccessError);
  assert.equal(ringBufOfSample(arena, a), rb);
  arena.bytes.set(text('AAAA'), b);
  assert.deepEqual(rb.drain(), [], 'the first record is still busy');
  assert.equal(rb.commit(b, 0n, false), true);
  assert.deepEqual(rb.drain(), [], 'records are consumed in order');
  assert.equal(rb.commit(a, 0n, true), true);
  assert.deepEqual(rb.drain(), [text('AAAA')]);
  assert.throws(() => arena.check(0, a, 1, false), MemoryAccessError, 'no region after commit');
  assert.equal(rb.commit(a, 0n, false), false, 'not outstanding any more');
});

test('ringbuf: full ring refuses (-EAGAIN), space comes back after consumption, records wrap', () => {
  const rb = ring();
  const payload = new Uint8Array(1000).map((_, i) => i & 0xff);
  let n = 0;
  while (rb.output(payload, 0n) === 0) n++;
  assert.equal(n, 4, 'four 1008-byte records fit in 4096 bytes (one more would make 5040)');
  assert.equal(rb.output(payload, 0n), -EAGAIN);
  assert.equal(rb.drain(2).length, 2);
  for (let round = 0; round < 20; round++) {
    const data = new Uint8Array(700 + round).map((_, i) => (i * 7 + round) & 0xff);
    assert.equal(rb.output(data, 0n), 0);
    const got = rb.drain();
    assert.deepEqual(got[got.length - 1], data, `round ${round}`);
  }
});

test('ringbuf: wakeups as the kernel sends them', () => {
  const rb = ring();
  let wakeups = 0;
  rb.onWakeup(() => wakeups++);
  rb.output(text('a'), 0n);
  assert.equal(wakeups, 1, 'the consumer had caught up');
  rb.output(text('b'), 0n);
  assert.equal(wakeups, 1, 'the consumer is behind: no new wakeup');
  rb.output(text('c'), BPF_RB_FORCE_WAKEUP);
  assert.equal(wakeups, 2);
  rb.drain();
  rb.output(text('d'), BPF_RB_NO_WAKEUP);
  assert.equal(wakeups, 2);
});

test('ringbuf: sizes must be a power-of-two number of pages', () => {
  for (const maxEntries of [0, 1000, 4096 * 3, 2048]) {
    assert.throws(() => createMap(new Arena(), { type: 'ringbuf', keySize: 0, valueSize: 0, maxEntries }), (e: unknown) => e instanceof MapDefinitionError && e.errno === EINVAL);
  }
  assert.throws(() => createMap(new Arena(), { type: 'ringbuf', keySize: 4, valueSize: 0, maxEntries: 4096 }), MapDefinitionError);
  assert.ok(createMap(new Arena(), { type: 'ringbuf', keySize: 0, valueSize: 0, maxEntries: 4096 * 4 }));
});
