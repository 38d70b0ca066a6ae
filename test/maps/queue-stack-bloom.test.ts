import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Arena } from '../../src/memory/arena.js';
import {
  createMap, QueueMap, StackMap, BloomFilterMap, MapDefinitionError, BPF_EXIST, BPF_NOEXIST, E2BIG, EINVAL, ENOENT,
  EOPNOTSUPP,
} from '../../src/maps/index.js';
import { errnoOf, readU32, u32 } from './bytes.js';

test('queue: first in, first out; full (-E2BIG) unless BPF_EXIST drops the oldest', () => {
  const q = createMap(new Arena(), { type: 'queue', keySize: 0, valueSize: 4, maxEntries: 3, name: 'q' }) as QueueMap;
  assert.equal(q.pop(), undefined);
  for (const v of [1, 2, 3]) q.push(u32(v));
  assert.equal(errnoOf(() => q.push(u32(4))), E2BIG);
  q.push(u32(4), BPF_EXIST);
  assert.deepEqual(q.values().map((v) => readU32(v)), [2, 3, 4]);
  assert.equal(readU32(q.peek()!), 2);
  assert.equal(readU32(q.pop()!), 2);
  assert.equal(readU32(q.pop()!), 3);
  q.push(u32(5));
  assert.deepEqual(q.values().map((v) => readU32(v)), [4, 5]);
  assert.equal(errnoOf(() => q.push(u32(6), BPF_NOEXIST)), EINVAL);
  assert.equal(errnoOf(() => q.push(u32(6), 4)), EINVAL);
  assert.equal(errnoOf(() => q.keys()), EINVAL, 'no get_next_key');
  assert.equal(errnoOf(() => q.delete(new Uint8Array(0))), EINVAL);
});

test('stack: last in, first out; BPF_EXIST on a full stack drops the oldest', () => {
  const s = createMap(new Arena(), { type: 'stack', keySize: 0, valueSize: 4, maxEntries: 3, name: 's' }) as StackMap;
  for (const v of [1, 2, 3]) s.push(u32(v));
  assert.equal(errnoOf(() => s.push(u32(4))), E2BIG);
  s.push(u32(4), BPF_EXIST);
  assert.deepEqual(s.values().map((v) => readU32(v)), [4, 3, 2]);
  assert.equal(readU32(s.pop()!), 4);
  assert.equal(readU32(s.peek()!), 3);
  assert.equal(readU32(s.pop()!), 3);
  assert.equal(readU32(s.pop()!), 2);
  assert.equal(s.pop(), undefined);
});

test('queue: pop and peek of an empty map zero the destination (program side)', () => {
  const arena = new Arena();
  const q = createMap(arena, { type: 'queue', keySize: 0, valueSize: 8, maxEntries: 2 });
  const dst = arena.alloc(8);
  arena.view.setBigUint64(dst, 0x1234n, true);
  assert.equal(q.popElem(dst), -ENOENT);
  assert.equal(arena.view.getBigUint64(dst, true), 0n);
  assert.equal(q.lookupElem(dst, 0), 0, 'programs cannot look up a queue');
});

test('queue and stack: definitions the kernel refuses', () => {
  const arena = new Arena();
  for (const type of ['queue', 'stack'] as const) {
    for (const d of [{ keySize: 4 }, { valueSize: 0 }, { maxEntries: 0 }, { flags: 1 }]) {
      assert.throws(() => createMap(arena, { type, keySize: 0, valueSize: 4, maxEntries: 2, ...d }), (e: unknown) => e instanceof MapDefinitionError && e.errno === EINVAL);
    }
  }
});

test('bloom_filter: pushed values are found, others almost never; the kernel\'s sizes', () => {
  const b = createMap(new Arena(), { type: 'bloom_filter', keySize: 0, valueSize: 4, maxEntries: 100, name: 'b' }) as BloomFilterMap;
  assert.equal(b.nrHashFuncs, 5);
  assert.equal(b.bitsetMask, 1023, '100 * 5 / 5 * 7 = 700 bits, rounded up to 1024');
  for (let i = 0; i < 100; i++) b.push(u32(i * 3));
  for (let i = 0; i < 100; i++) assert.equal(b.has(u32(i * 3)), true);
  let falsePositives = 0;
  for (let i = 0; i < 1000; i++) if (b.has(u32(1_000_000 + i))) falsePositives++;
  assert.ok(falsePositives < 100, `${falsePositives} false positives in 1000`);
  assert.equal(errnoOf(() => b.push(u32(1), BPF_EXIST)), EINVAL);
  assert.equal(b.lookup(new Uint8Array(0)), undefined);
  assert.equal(errnoOf(() => b.delete(new Uint8Array(0))), EOPNOTSUPP);
  const one = createMap(new Arena(), { type: 'bloom_filter', keySize: 0, valueSize: 3, maxEntries: 1, mapExtra: 2n }) as BloomFilterMap;
  assert.equal(one.nrHashFuncs, 2);
  assert.equal(one.bitsetMask, 63, 'at least BITS_PER_LONG bits');
  assert.throws(() => createMap(new Arena(), { type: 'bloom_filter', keySize: 0, valueSize: 4, maxEntries: 1, mapExtra: 16n }), MapDefinitionError);
});
