import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { Arena } from '../../src/memory/arena.js';
import { MemoryAccessError } from '../../src/memory/errors.js';
import {
  createMap, mapRegistry, HashMapBase, MapDefinitionError, jhash, jhash2, BPF_EXIST, BPF_NOEXIST, BPF_F_LOCK,
  BPF_F_NO_PREALLOC, BPF_F_NO_COMMON_LRU, E2BIG, EEXIST, EINVAL, ENOENT, ENOTSUPP,
} from '../../src/maps/index.js';
import { errnoOf, hex, readU32, u32, u64 } from './bytes.js';

test('jhash and jhash2 agree with lookup3 reference values', () => {
  // hashlittle("", 0) = 0xdeadbeef, hashlittle("Four score and seven years ago", 0) = 0x17770551 (lookup3.c's driver).
  assert.equal(jhash(new Uint8Array(0), 0, 0, 0), 0xdeadbeef);
  const text = new TextEncoder().encode('Four score and seven years ago');
  assert.equal(jhash(text, 0, text.length, 0), 0x17770551);
  assert.equal(jhash(text, 0, text.length, 1), 0xcd628161);
  // jhash2 over words equals jhash over the same little-endian bytes when the length is a multiple of 4.
  const words = new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16]);
  assert.equal(jhash2(words, 0, 4, 7), jhash(words, 0, 16, 7));
});

test('hash: insert, lookup, replace, delete', () => {
  const m = createMap(new Arena(), { type: 'hash', keySize: 4, valueSize: 8, maxEntries: 8, name: 'h' });
  m.update(u32(1), u64(10n));
  m.update(u32(2), u64(20n));
  assert.deepEqual(m.lookup(u32(1)), u64(10n));
  m.update(u32(1), u64(11n));
  assert.deepEqual(m.lookup(u32(1)), u64(11n));
  assert.equal(m.delete(u32(1)), true);
  assert.equal(m.delete(u32(1)), false);
  assert.equal(m.lookup(u32(1)), undefined);
  assert.equal((m as HashMapBase).size, 1);
});

test('hash: BPF_NOEXIST, BPF_EXIST, unknown flags, full map', () => {
  const m = createMap(new Arena(), { type: 'hash', keySize: 4, valueSize: 4, maxEntries: 2, name: 'h' });
  assert.equal(errnoOf(() => m.update(u32(1), u32(1), BPF_EXIST)), ENOENT);
  m.update(u32(1), u32(1), BPF_NOEXIST);
  assert.equal(errnoOf(() => m.update(u32(1), u32(2), BPF_NOEXIST)), EEXIST);
  assert.equal(errnoOf(() => m.update(u32(1), u32(2), 3)), EINVAL);
  assert.equal(errnoOf(() => m.update(u32(1), u32(2), BPF_F_LOCK)), EINVAL, 'no bpf_spin_lock in the value');
  m.update(u32(2), u32(2));
  assert.equal(errnoOf(() => m.update(u32(3), u32(3))), E2BIG);
  assert.equal(errnoOf(() => m.update(u32(3), u32(3), BPF_EXIST)), ENOENT, 'EXIST is checked before fullness');
  m.update(u32(2), u32(22), BPF_EXIST);
  assert.deepEqual(m.lookup(u32(2)), u32(22), 'replacing works when full');
});

test('hash: BPF_F_NO_PREALLOC maps behave the same and reuse freed elements', () => {
  const arena = new Arena();
  const m = createMap(arena, { type: 'hash', keySize: 4, valueSize: 4, maxEntries: 2, flags: BPF_F_NO_PREALLOC, name: 'h' });
  m.update(u32(1), u32(1));
  m.update(u32(2), u32(2));
  assert.equal(errnoOf(() => m.update(u32(3), u32(3))), E2BIG);
  const regions = arena.listRegions().length;
  for (let i = 0; i < 50; i++) {
    m.delete(u32(2));
    m.update(u32(100 + i), u32(i));
    m.delete(u32(100 + i));
    m.update(u32(2), u32(2));
  }
  assert.equal(arena.listRegions().length, regions, 'no new regions for reused elements');
});

test('hash: get_next_key follows bucket order; a missing key restarts from the first', () => {
  const m = createMap(new Arena(), { type: 'hash', keySize: 4, valueSize: 4, maxEntries: 64, name: 'h' });
  for (let i = 0; i < 40; i++) m.update(u32(i * 7), u32(i));
  const keys = m.keys().map((k) => readU32(k));
  assert.deepEqual([...keys].sort((a, b) => a - b), Array.from({ length: 40 }, (_, i) => i * 7));
  assert.equal(readU32(m.nextKey(u32(12345))!), keys[0]);
  assert.equal(readU32(m.nextKey(u32(keys[5]))!), keys[6]);
  assert.equal(m.nextKey(u32(keys[39])), undefined);
});

test('hash: a replaced key moves to the head of its bucket (a new element), as in the kernel', () => {
  const arena = new Arena();
  const m = createMap(arena, { type: 'hash', keySize: 4, valueSize: 4, maxEntries: 4, name: 'h' }) as HashMapBase;
  // Two keys of the same bucket (4 buckets: hash & 3).
  const bucket = (k: number): number => jhash2(u32(k), 0, 1, 0) & 3;
  const a = 0;
  let b = 1;
  while (bucket(b) !== bucket(a)) b++;
  m.update(u32(a), u32(1));
  m.update(u32(b), u32(2));
  assert.deepEqual(m.keys().map((k) => readU32(k)), [b, a], 'newest first within the bucket');
  m.update(u32(a), u32(3));
  assert.deepEqual(m.keys().map((k) => readU32(k)), [a, b]);
});

test('hash: a pointer from an earlier lookup keeps the value the update replaced', () => {
  const arena = new Arena();
  const m = createMap(arena, { type: 'hash', keySize: 4, valueSize: 4, maxEntries: 4, name: 'h' }) as HashMapBase;
  m.update(u32(1), u32(100));
  const key = arena.alloc(8);
  arena.view.setUint32(key, 1, true);
  const before = m.lookupElem(key, 0);
  m.update(u32(1), u32(200));
  const after = m.lookupElem(key, 0);
  assert.notEqual(before, after);
  assert.equal(arena.view.getUint32(before, true), 100);
  assert.equal(arena.view.getUint32(after, true), 200);
});

test('hash: BPF_F_LOCK updates an existing element in place', () => {
  const arena = new Arena();
  const m = createMap(arena, { type: 'hash', keySize: 4, valueSize: 8, maxEntries: 4, spinLockOffset: 4, name: 'h' }) as HashMapBase;
  m.update(u32(1), u64(1n));
  const key = arena.alloc(8);
  arena.view.setUint32(key, 1, true);
  const before = m.lookupElem(key, 0);
  m.update(u32(1), u64(0xffffffff_00000005n), BPF_F_LOCK);
  assert.equal(m.lookupElem(key, 0), before, 'same element');
  assert.deepEqual(m.lookup(u32(1)), u64(5n), 'lock word untouched and shown as 0');
  assert.equal(errnoOf(() => m.update(u32(2), u64(1n), BPF_F_LOCK | BPF_EXIST)), ENOENT);
});

test('hash: a flag in bit 31, or above (saturated to 0xffffffff), is EINVAL, with or without a spin lock', () => {
  const arena = new Arena();
  const plain = createMap(arena, { type: 'hash', keySize: 4, valueSize: 8, maxEntries: 4, name: 'h' });
  const locked = createMap(arena, { type: 'hash', keySize: 4, valueSize: 8, maxEntries: 4, spinLockOffset: 4, name: 'l' });
  for (const m of [plain, locked]) {
    m.update(u32(1), u64(1n));
    for (const flags of [0x80000000, 0xffffffff]) {
      assert.equal(errnoOf(() => m.update(u32(1), u64(2n), flags)), EINVAL, `${m.name}: flags 0x${flags.toString(16)}`);
      assert.equal(errnoOf(() => m.update(u32(3), u64(2n), flags)), EINVAL, `${m.name}: flags 0x${flags.toString(16)}, new key`);
    }
    assert.deepEqual(m.lookup(u32(1)), u64(1n));
    assert.equal(m.lookup(u32(3)), undefined);
  }
});

test('hash: keys are read-only regions, values writable regions', () => {
  const arena = new Arena();
  const m = createMap(arena, { type: 'hash', keySize: 6, valueSize: 4, maxEntries: 4, name: 'h' });
  m.update(new Uint8Array([1, 2, 3, 4, 5, 6]), u32(7));
  let checked = 0;
  m.forEachElem(0, (k, v) => {
    assert.throws(() => arena.check(0, k, 6, true), MemoryAccessError);
    arena.check(0, k, 6, false);
    arena.check(0, v, 4, true);
    assert.throws(() => arena.check(0, v, 8, false), MemoryAccessError);
    checked++;
    return false;
  });
  assert.equal(checked, 1);
});

test('hash: for_each may delete the element it visits', () => {
  const arena = new Arena();
  const m = createMap(arena, { type: 'hash', keySize: 4, valueSize: 4, maxEntries: 16, name: 'h' });
  for (let i = 0; i < 10; i++) m.update(u32(i), u32(i));
  const scratch = arena.alloc(8);
  const n = m.forEachElem(0, (k) => {
    arena.bytes.copyWithin(scratch, k, k + 4);
    if (arena.view.getUint32(k, true) % 2 === 0) assert.equal(m.deleteElem(scratch), 0);
    return false;
  });
  assert.equal(n, 10);
  assert.deepEqual(m.keys().map((k) => readU32(k)).sort((a, b) => a - b), [1, 3, 5, 7, 9]);
});

test('hash: definitions the kernel refuses', () => {
  const arena = new Arena();
  const refuse = (d: object, errno: number): void => {
    assert.throws(() => createMap(arena, { type: 'hash', keySize: 4, valueSize: 4, maxEntries: 4, ...d }), (e: unknown) => e instanceof MapDefinitionError && e.errno === errno);
  };
  refuse({ keySize: 0 }, EINVAL);
  refuse({ valueSize: 0 }, EINVAL);
  refuse({ maxEntries: 0 }, EINVAL);
  refuse({ flags: BPF_F_NO_COMMON_LRU }, EINVAL);
  refuse({ flags: 1 << 20 }, EINVAL);
  refuse({ type: 'lru_hash', flags: BPF_F_NO_PREALLOC }, ENOTSUPP);
  refuse({ type: 'percpu_hash', valueSize: 32769 }, E2BIG);
});

test('percpu_hash: new keys get the value on the current CPU and zeros elsewhere; bpf() sets all', () => {
  const arena = new Arena();
  mapRegistry(arena).nCpus = 2;
  const m = createMap(arena, { type: 'percpu_hash', keySize: 4, valueSize: 4, maxEntries: 4, name: 'p' });
  const key = arena.alloc(8);
  const val = arena.alloc(8);
  arena.view.setUint32(key, 5, true);
  arena.view.setUint32(val, 50, true);
  assert.equal(m.updateElem(key, val, 0, 1), 0);
  assert.deepEqual(m.lookupPerCpu(u32(5)), [u32(0), u32(50)]);
  arena.view.setUint32(val, 51, true);
  assert.equal(m.updateElem(key, val, 0, 0), 0);
  assert.deepEqual(m.lookupPerCpu(u32(5)), [u32(51), u32(50)], 'in place, one CPU');
  m.updatePerCpu(u32(6), [u32(1), u32(2)]);
  assert.equal(arena.view.getUint32(m.lookupElem(u32At(arena, 6), 1), true), 2);
  assert.equal(m.lookupPercpuElem(u32At(arena, 6), 2), 0);
  assert.equal(errnoOf(() => m.update(u32(7), new Uint8Array(16), BPF_F_LOCK)), EINVAL);
});

function u32At(arena: Arena, v: number): number {
  const at = arena.alloc(8);
  arena.view.setUint32(at, v, true);
  return at;
}

test('hash: matches a model under random operations (fast-check)', () => {
  fc.assert(fc.property(
    fc.array(fc.tuple(fc.constantFrom('update', 'delete', 'lookup'), fc.integer({ min: 0, max: 20 }), fc.integer({ min: 0, max: 2 }), fc.nat()), { maxLength: 200 }),
    (ops) => {
      const m = createMap(new Arena(), { type: 'hash', keySize: 4, valueSize: 4, maxEntries: 8, name: 'h' });
      const model = new Map<number, number>();
      for (const [op, k, flags, v] of ops) {
        if (op === 'update') {
          const exists = model.has(k);
          const expect = flags === BPF_NOEXIST && exists ? EEXIST : flags === BPF_EXIST && !exists ? ENOENT : !exists && model.size >= 8 ? E2BIG : 0;
          assert.equal(errnoOf(() => m.update(u32(k), u32(v), flags)), expect);
          if (expect === 0) model.set(k, v >>> 0);
        } else if (op === 'delete') {
          assert.equal(m.delete(u32(k)), model.delete(k));
        } else {
          const got = m.lookup(u32(k));
          assert.equal(got && readU32(got), model.get(k));
        }
      }
      assert.deepEqual(new Set(m.keys().map((k) => hex(k))), new Set([...model.keys()].map((k) => hex(u32(k)))));
    },
  ), { numRuns: 200 });
});
