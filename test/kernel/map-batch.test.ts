// Batch map operations (BPF_MAP_*_BATCH) against the real kernel: every
// element read back across several batches, per-CPU values, lookup-and-delete,
// delete, and refusals that say how far the batch got.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { KernelError, KernelMap, BPF_NOEXIST, possibleCpus } from '../../src/kernel/index.js';
import { kernelSkipReason } from '../support/kernel.js';

const skip = kernelSkipReason();
const u32 = (n: number): Uint8Array => new Uint8Array(new Uint32Array([n]).buffer);
const u64 = (n: bigint): Uint8Array => new Uint8Array(new BigUint64Array([n]).buffer);
const keyOf = (b: Uint8Array): number => new DataView(b.buffer, b.byteOffset).getUint32(0, true);
const valueOf = (b: Uint8Array, at = 0): bigint => new DataView(b.buffer, b.byteOffset).getBigUint64(at, true);

test('hash map: update 300 in one batch, read them back 64 at a time, delete a batch', { skip }, () => {
  const map = KernelMap.create({ type: 'BPF_MAP_TYPE_HASH', keySize: 4, valueSize: 8, maxEntries: 512, name: 'batch_hash' });
  try {
    const entries = Array.from({ length: 300 }, (_, i) => ({ key: u32(i), value: u64(BigInt(i) * 1000n) }));
    assert.equal(map.updateBatch(entries), 300);
    const read = map.lookupBatch({ batchSize: 64 });
    assert.equal(read.length, 300);
    const byKey = new Map(read.map((e) => [keyOf(e.key), valueOf(e.value)]));
    for (let i = 0; i < 300; i++) assert.equal(byKey.get(i), BigInt(i) * 1000n);
    assert.equal(map.deleteBatch(Array.from({ length: 100 }, (_, i) => u32(i))), 100);
    assert.equal(map.lookupBatch().length, 200);
    assert.equal(map.lookup(u32(5)), undefined);
    // Per-element flags are not for batches (only BPF_F_LOCK): refused before any element.
    assert.throws(() => map.updateBatch([{ key: u32(500), value: u64(1n) }], BPF_NOEXIST),
      (e: unknown) => e instanceof KernelError && e.code === 'EINVAL' && /0 of 1 elements done/.test(e.message));
    // Deleting an absent key: ENOENT, after the ones before it.
    assert.throws(() => map.deleteBatch([u32(150), u32(7)]), (e: unknown) => e instanceof KernelError && e.code === 'ENOENT' && /1 of 2/.test(e.message));
  } finally {
    map.close();
  }
});

test('a batch that overfills a hash map stops with E2BIG after the elements that fit', { skip }, () => {
  const map = KernelMap.create({ type: 'BPF_MAP_TYPE_HASH', keySize: 4, valueSize: 8, maxEntries: 4, name: 'batch_full' });
  try {
    assert.throws(() => map.updateBatch(Array.from({ length: 6 }, (_, i) => ({ key: u32(i), value: u64(1n) }))),
      (e: unknown) => e instanceof KernelError && e.code === 'E2BIG' && /4 of 6 elements done/.test(e.message));
    assert.equal(map.lookupBatch().length, 4);
  } finally {
    map.close();
  }
});

test('lookup-and-delete batch empties the map, batch sizes of 1 included', { skip }, () => {
  const map = KernelMap.create({ type: 'BPF_MAP_TYPE_HASH', keySize: 4, valueSize: 8, maxEntries: 64, name: 'batch_lad' });
  try {
    map.updateBatch(Array.from({ length: 40 }, (_, i) => ({ key: u32(i + 1), value: u64(BigInt(i + 1)) })));
    const taken = map.lookupAndDeleteBatch({ batchSize: 1 });
    assert.equal(taken.length, 40);
    assert.deepEqual(taken.map((e) => keyOf(e.key)).sort((a, b) => a - b), Array.from({ length: 40 }, (_, i) => i + 1));
    assert.ok(taken.every((e) => valueOf(e.value) === BigInt(keyOf(e.key))));
    assert.equal([...map.keys()].length, 0);
    assert.deepEqual(map.lookupBatch(), []);
  } finally {
    map.close();
  }
});

test('per-CPU array: batch values carry one 8-byte slot per possible CPU', { skip }, () => {
  const cpus = possibleCpus();
  const map = KernelMap.create({ type: 'BPF_MAP_TYPE_PERCPU_ARRAY', keySize: 4, valueSize: 8, maxEntries: 4, name: 'batch_pcpu' });
  try {
    const valueFor = (k: number): Uint8Array => {
      const bytes = new Uint8Array(8 * cpus);
      for (let c = 0; c < cpus; c++) new DataView(bytes.buffer).setBigUint64(c * 8, BigInt(k * 100 + c), true);
      return bytes;
    };
    assert.equal(map.updateBatch([0, 1, 2, 3].map((k) => ({ key: u32(k), value: valueFor(k) }))), 4);
    const read = map.lookupBatch({ batchSize: 3 });
    assert.equal(read.length, 4);
    for (const e of read) {
      assert.equal(e.value.length, 8 * cpus);
      for (let c = 0; c < cpus; c++) assert.equal(valueOf(e.value, c * 8), BigInt(keyOf(e.key) * 100 + c));
    }
    assert.throws(() => map.updateBatch([{ key: u32(0), value: new Uint8Array(8 * cpus + 8) }]), (e: unknown) => e instanceof KernelError && /value 0 is \d+ bytes/.test(e.message));
    assert.throws(() => map.deleteBatch([new Uint8Array(2)]), (e: unknown) => e instanceof KernelError && /key 0 is 2 bytes/.test(e.message));
  } finally {
    map.close();
  }
});
