// Ring buffer and perf buffer consumers against the real kernel: programs
// producing records through BPF_PROG_TEST_RUN, records delivered in order
// (also across the ring's end), waiting through epoll while nothing comes,
// lost-record counts, and typed errors.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EventReaderError, KernelMap, PerfBufferReader, RingBufferReader, type PerfRecord } from '../../src/kernel/index.js';
import { onCpu } from '../../src/kernel/object/cpu-affinity.js';
import { kernelSkipReason } from '../support/kernel.js';
import { load, perfProducer, ringbufProducer } from './attach-programs.js';

const skip = kernelSkipReason();
const packet = (n: number): Uint8Array => {
  const bytes = new Uint8Array(64);
  new DataView(bytes.buffer).setBigUint64(0, BigInt(n), true);
  return bytes;
};
const seq = (record: Uint8Array): number => Number(new DataView(record.buffer, record.byteOffset).getBigUint64(0, true));

test('ring buffer: records in order, also after the ring wraps many times over', { skip }, () => {
  const map = KernelMap.create({ type: 'BPF_MAP_TYPE_RINGBUF', keySize: 0, valueSize: 0, maxEntries: 4096, name: 'rb_wrap' });
  const prog = load('BPF_PROG_TYPE_XDP', 'rb_producer', ringbufProducer(), [map]);
  const reader = new RingBufferReader(map);
  try {
    const seen: number[] = [];
    // 16-byte records (8 header + 8 data): 256 fit in 4 KiB; 2000 in batches of 100 wrap the ring ~8 times.
    for (let batch = 0; batch < 20; batch++) {
      for (let i = 0; i < 100; i++) prog.testRun({ dataIn: packet(batch * 100 + i) });
      assert.equal(reader.pendingBytes, 1600);
      for (const r of reader.drain()) seen.push(seq(r));
    }
    assert.equal(seen.length, 2000);
    assert.ok(seen.every((v, i) => v === i));
    assert.equal(reader.pendingBytes, 0);
    assert.deepEqual(reader.drain(), []);
  } finally {
    reader.close();
    prog.close();
    map.close();
  }
});

test('ring buffer: a full ring refuses records (the program sees -EAGAIN), the reader gets the ones that fit', { skip }, () => {
  const map = KernelMap.create({ type: 'BPF_MAP_TYPE_RINGBUF', keySize: 0, valueSize: 0, maxEntries: 4096, name: 'rb_full' });
  const prog = load('BPF_PROG_TYPE_XDP', 'rb_full_prod', ringbufProducer(), [map]);
  const reader = new RingBufferReader(map);
  try {
    for (let i = 0; i < 300; i++) prog.testRun({ dataIn: packet(i) });
    const records = reader.drain();
    assert.equal(records.length, 4096 / 16 - 1); // the kernel keeps the ring from filling completely
    assert.deepEqual(records.map(seq), records.map((_, i) => i));
  } finally {
    reader.close();
    prog.close();
    map.close();
  }
});

test('ring buffer: the async iterator waits in epoll and wakes for records produced later', { skip }, async () => {
  const map = KernelMap.create({ type: 'BPF_MAP_TYPE_RINGBUF', keySize: 0, valueSize: 0, maxEntries: 16384, name: 'rb_wait' });
  const prog = load('BPF_PROG_TYPE_XDP', 'rb_wait_prod', ringbufProducer(), [map]);
  const reader = new RingBufferReader(map);
  try {
    const start = process.cpuUsage();
    const produce = (from: number, count: number): NodeJS.Timeout => setTimeout(() => {
      for (let i = from; i < from + count; i++) prog.testRun({ dataIn: packet(i) });
    }, 120);
    produce(0, 3);
    const got: number[] = [];
    for await (const record of reader) {
      got.push(seq(record));
      if (got.length === 3) produce(3, 4);
      if (got.length === 7) break;
    }
    assert.deepEqual(got, [0, 1, 2, 3, 4, 5, 6]);
    // ~240 ms spent waiting: a polling loop would have burnt it; epoll costs next to nothing.
    const used = process.cpuUsage(start);
    assert.ok(used.user + used.system < 150_000, `consumer used ${(used.user + used.system) / 1000} ms of CPU while waiting`);
    // read() after close() ends instead of waiting forever.
    const pending = reader.read();
    reader.close();
    assert.equal(await pending, undefined);
  } finally {
    reader.close();
    prog.close();
    map.close();
  }
});

test('ring buffer reader refuses other map types', { skip }, () => {
  const map = KernelMap.create({ type: 'BPF_MAP_TYPE_ARRAY', keySize: 4, valueSize: 4, maxEntries: 1 });
  try {
    assert.throws(() => new RingBufferReader(map), (e: unknown) => e instanceof EventReaderError && /BPF_MAP_TYPE_RINGBUF/.test(e.message));
    assert.throws(() => new PerfBufferReader(map), EventReaderError);
  } finally {
    map.close();
  }
});

test('perf buffer: samples from bpf_perf_event_output arrive with their CPU, via epoll', { skip }, async () => {
  const map = KernelMap.create({ type: 'BPF_MAP_TYPE_PERF_EVENT_ARRAY', keySize: 4, valueSize: 4, maxEntries: 64, name: 'pe_events' });
  const prog = load('BPF_PROG_TYPE_XDP', 'pe_producer', perfProducer(), [map]);
  const reader = new PerfBufferReader(map, { pageCount: 4 });
  try {
    setTimeout(() => { for (let i = 0; i < 10; i++) prog.testRun({ dataIn: packet(i) }); }, 50);
    const samples: PerfRecord[] = [];
    for await (const record of reader) {
      samples.push(record);
      if (samples.length === 10) break;
    }
    assert.ok(samples.every((r) => r.type === 'sample'));
    const values = samples.map((r) => (r.type === 'sample' ? seq(r.data) : -1)).sort((a, b) => a - b);
    assert.deepEqual(values, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    // One sample per output; the raw data is padded by perf to keep records 8-byte aligned (8 + 4 bytes -> 12 of data).
    assert.ok(samples.every((r) => r.type === 'sample' && r.data.length >= 8));
    assert.equal(reader.lost, 0);
  } finally {
    reader.close();
    prog.close();
    map.close();
  }
});

test('perf buffer: a full ring loses samples, and PERF_RECORD_LOST says how many', { skip }, () => {
  const map = KernelMap.create({ type: 'BPF_MAP_TYPE_PERF_EVENT_ARRAY', keySize: 4, valueSize: 4, maxEntries: 64, name: 'pe_lost' });
  const prog = load('BPF_PROG_TYPE_XDP', 'pe_lost_prod', perfProducer(), [map]);
  const reader = new PerfBufferReader(map, { pageCount: 1 });
  try {
    // XDP test runs run on the calling thread's CPU: keep them all on CPU 0's ring.
    const produced = 400; // 32-byte records: a 4 KiB ring holds 128
    onCpu(0, () => { for (let i = 0; i < produced; i++) prog.testRun({ dataIn: packet(i) }); });
    const first = reader.drain();
    const delivered = first.filter((r) => r.type === 'sample').length;
    assert.ok(delivered < produced && delivered > 0, `${delivered} of ${produced} delivered`);
    // The kernel reports the loss with the next record that fits.
    onCpu(0, () => prog.testRun({ dataIn: packet(produced) }));
    const second = reader.drain();
    const lost = second.filter((r) => r.type === 'lost');
    assert.ok(lost.length >= 1);
    assert.equal(reader.lost, produced - delivered);
    assert.equal(second.filter((r) => r.type === 'sample').length, 1);
  } finally {
    reader.close();
    prog.close();
    map.close();
  }
});
