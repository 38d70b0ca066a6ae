import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Arena } from '../../src/memory/arena.js';
import { createMap, mapRegistry, HashMapBase, BPF_EXIST, BPF_NOEXIST, EEXIST, EINVAL, ENOENT } from '../../src/maps/index.js';
import { errnoOf, readU32, u32 } from './bytes.js';

const keysOf = (m: HashMapBase): number[] => m.keys().map((k) => readU32(k)).sort((a, b) => a - b);

function touch(arena: Arena, m: HashMapBase, k: number): void {
  const key = arena.alloc(8);
  arena.view.setUint32(key, k, true);
  assert.notEqual(m.lookupElem(key, 0), 0);
}

test('lru_hash: never full; evicts the least recently inserted unreferenced key', () => {
  const m = createMap(new Arena(), { type: 'lru_hash', keySize: 4, valueSize: 4, maxEntries: 3, name: 'l' }) as HashMapBase;
  for (let k = 1; k <= 3; k++) m.update(u32(k), u32(k));
  m.update(u32(4), u32(4));
  assert.deepEqual(keysOf(m), [2, 3, 4]);
  m.update(u32(5), u32(5));
  assert.deepEqual(keysOf(m), [3, 4, 5]);
  assert.equal(m.size, 3);
});

test('lru_hash: a lookup from a program protects a key from the next eviction (reference bit)', () => {
  const arena = new Arena();
  const m = createMap(arena, { type: 'lru_hash', keySize: 4, valueSize: 4, maxEntries: 3, name: 'l' }) as HashMapBase;
  for (let k = 1; k <= 3; k++) m.update(u32(k), u32(k));
  touch(arena, m, 1);
  m.update(u32(4), u32(4));
  assert.deepEqual(keysOf(m), [1, 3, 4], 'key 2 went instead of the referenced key 1');
  m.update(u32(5), u32(5));
  assert.deepEqual(keysOf(m), [1, 4, 5], 'key 1 went to the active list; inactive keys go first');
  m.update(u32(6), u32(6));
  assert.deepEqual(keysOf(m), [1, 5, 6], 'the active list is rotated only once it outnumbers the inactive one');
});

test('lru_hash: host lookups do not count as use', () => {
  const m = createMap(new Arena(), { type: 'lru_hash', keySize: 4, valueSize: 4, maxEntries: 2, name: 'l' }) as HashMapBase;
  m.update(u32(1), u32(1));
  m.update(u32(2), u32(2));
  m.lookup(u32(1));
  m.update(u32(3), u32(3));
  assert.deepEqual(keysOf(m), [2, 3]);
});

test('lru_hash: flags; as in the kernel, a failing update of a full map still evicts', () => {
  const m = createMap(new Arena(), { type: 'lru_hash', keySize: 4, valueSize: 4, maxEntries: 2, name: 'l' }) as HashMapBase;
  m.update(u32(1), u32(1));
  m.update(u32(2), u32(2));
  assert.equal(errnoOf(() => m.update(u32(2), u32(9), BPF_NOEXIST)), EEXIST);
  assert.deepEqual(keysOf(m), [2], 'key 1 was evicted to make room before the flags were checked');
  assert.equal(errnoOf(() => m.update(u32(7), u32(7), BPF_EXIST)), ENOENT);
  assert.equal(errnoOf(() => m.update(u32(7), u32(7), 4)), EINVAL, 'no BPF_F_LOCK for LRU maps');
  m.update(u32(2), u32(22), BPF_EXIST);
  assert.deepEqual(m.lookup(u32(2)), u32(22));
});

test('lru_percpu_hash: existing keys update in place on one CPU; eviction as lru_hash', () => {
  const arena = new Arena();
  mapRegistry(arena).nCpus = 2;
  const m = createMap(arena, { type: 'lru_percpu_hash', keySize: 4, valueSize: 4, maxEntries: 2, name: 'lp' }) as HashMapBase;
  m.updatePerCpu(u32(1), [u32(10), u32(11)]);
  const key = arena.alloc(8);
  const val = arena.alloc(8);
  arena.view.setUint32(key, 1, true);
  arena.view.setUint32(val, 99, true);
  assert.equal(m.updateElem(key, val, BPF_EXIST, 1), 0);
  assert.deepEqual(m.lookupPerCpu(u32(1)), [u32(10), u32(99)]);
  m.updatePerCpu(u32(2), [u32(2), u32(2)]);
  m.updatePerCpu(u32(3), [u32(3), u32(3)]);
  assert.equal(m.size, 2);
  // Updating key 1 set its reference bit, which moved it to the active list at the next refill; the
  // active list, then larger than the inactive one, was rotated back (its bit spent): key 1 was the oldest.
  assert.deepEqual(keysOf(m), [2, 3]);
});

test('a per-CPU LRU (BPF_F_NO_COMMON_LRU) keeps max_entries rounded to a multiple of the CPUs, as the kernel reports it', () => {
  const arena = new Arena();
  mapRegistry(arena).nCpus = 2;
  const flags = 0x2; // BPF_F_NO_COMMON_LRU
  const m = createMap(arena, { type: 'lru_hash', keySize: 4, valueSize: 4, maxEntries: 9, flags, name: 'l' });
  assert.equal(m.maxEntries, 10);
  assert.equal(createMap(arena, { type: 'lru_hash', keySize: 4, valueSize: 4, maxEntries: 9, name: 'c' }).maxEntries, 9, 'a common LRU keeps its size');
});
