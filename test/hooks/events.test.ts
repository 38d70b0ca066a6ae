import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { createMap } from '../../src/maps/create-map.js';
import { mapRegistry } from '../../src/maps/registry.js';
import type { RingBufMap } from '../../src/maps/ringbuf-map.js';
import type { PerfEventArrayMap } from '../../src/maps/perf-event-array-map.js';
import { ringBufferEvents } from '../../src/hooks/events/ring-events.js';
import { perfBufferEvents } from '../../src/hooks/events/perf-events.js';
import { formatTraceRecord, tracePipeEvents } from '../../src/hooks/events/trace-stream.js';
import { Arena } from '../../src/memory/arena.js';
import { loadObject } from '../../src/object/load-object.js';

const text = (b: Uint8Array): string => Buffer.from(b).toString();

test('ring buffer records arrive in order through an async iterator, waiting consumers are woken', async () => {
  const arena = new Arena();
  const ring = createMap(arena, { type: 'ringbuf', keySize: 0, valueSize: 0, maxEntries: 4096, name: 'events' }) as RingBufMap;
  const stream = ringBufferEvents(ring, text);
  ring.output(Buffer.from('one'), 0n);
  ring.output(Buffer.from('two'), 0n);
  assert.equal((await stream.next()).value, 'one');
  assert.equal((await stream.next()).value, 'two');
  const pending = stream.next();
  setTimeout(() => ring.output(Buffer.from('three'), 0n), 5);
  assert.equal((await pending).value, 'three');
  stream.close();
  assert.equal((await stream.next()).done, true);
});

test('back-pressure: an unconsumed ring refuses new records until the consumer catches up', async () => {
  const arena = new Arena();
  const ring = createMap(arena, { type: 'ringbuf', keySize: 0, valueSize: 0, maxEntries: 4096, name: 'small' }) as RingBufMap;
  const stream = ringBufferEvents(ring, text);
  let accepted = 0;
  while (ring.output(Buffer.alloc(100, 65), 0n) === 0) accepted++;
  assert.ok(accepted > 10 && accepted < 4096 / 100, `${accepted} records fit`);
  let seen = 0;
  for await (const r of stream) {
    assert.equal(r.length, 100);
    if (++seen === accepted) break;
  }
  assert.equal(ring.output(Buffer.from('again'), 0n), 0, 'room again once consumed');
  stream.close();
});

test('perf buffer samples: per-CPU buffers, lost samples counted when the consumer lags', async () => {
  const arena = new Arena();
  mapRegistry(arena).nCpus = 2;
  const perf = createMap(arena, { type: 'perf_event_array', keySize: 4, valueSize: 4, maxEntries: 2, name: 'perf' }) as PerfEventArrayMap;
  const stream = perfBufferEvents(perf, text, { capacity: 256 });
  assert.equal(perf.output(0, 0, Buffer.from('a0')), 0);
  assert.equal(perf.output(1, 1, Buffer.from('b1')), 0);
  const got = [(await stream.next()).value, (await stream.next()).value].map((s) => s.replace(/\0+$/, ''));
  assert.deepEqual(got.sort(), ['a0', 'b1']);
  let fails = 0;
  for (let i = 0; i < 20; i++) if (perf.output(0, 0, Buffer.alloc(40)) !== 0) fails++;
  assert.ok(fails > 0);
  assert.equal(stream.lost, fails);
  assert.ok(stream.takeAll().length > 0);
  stream.close();
});

test('an abort signal ends a waiting iteration', async () => {
  const arena = new Arena();
  const ring = createMap(arena, { type: 'ringbuf', keySize: 0, valueSize: 0, maxEntries: 4096, name: 'r' }) as RingBufMap;
  const ac = new AbortController();
  const stream = ringBufferEvents(ring, undefined, { signal: ac.signal });
  const pending = stream.next();
  ac.abort();
  assert.equal((await pending).done, true);
});

test('tracePipeEvents(object): bpf_printk lines of a loaded object, in trace_pipe format; kernel objects are refused', async () => {
  const g = await loadObject(join(import.meta.dirname, '..', 'fixtures', 'globals.o'), { globals: { min_len: 64 } });
  const trace = tracePipeEvents(g);
  g.programs.snap_filter.testRun({ dataIn: new Uint8Array(20) });
  const lines = trace.takeAll().map(formatTraceRecord);
  assert.equal(lines.length, 1);
  assert.match(lines[0], /bpf_trace_printk: .*reject len \d+ \(short\)\n$/);
  trace.close();
  g.close();
  assert.throws(() => tracePipeEvents({ name: 'k', programs: { p: { name: 'p', section: 'xdp', type: 'xdp', vmProgram: null } } }), /no program in tsbpf's VM/);
});
