import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Arena } from '../../src/memory/arena.js';
import { MemoryAccessError } from '../../src/memory/errors.js';
import {
  createMap, mapRegistry, ArrayMap, MapDefinitionError, BPF_ANY, BPF_EXIST, BPF_NOEXIST, BPF_F_LOCK, BPF_F_RDONLY_PROG,
  BPF_F_RDONLY, BPF_F_WRONLY, BPF_F_MMAPABLE, BPF_F_NO_PREALLOC, E2BIG, EEXIST, EINVAL, EPERM, DESC_DATA0, DESC_DATA1,
} from '../../src/maps/index.js';
import { errnoOf, readU32, u32, u64 } from './bytes.js';

test('array: values start zeroed, update and lookup by index', () => {
  const arena = new Arena();
  const m = createMap(arena, { type: 'array', keySize: 4, valueSize: 8, maxEntries: 4, name: 'a' });
  assert.deepEqual(m.lookup(u32(3)), new Uint8Array(8));
  m.update(u32(2), u64(0x1122334455667788n));
  assert.deepEqual(m.lookup(u32(2)), u64(0x1122334455667788n));
  assert.equal(m.lookup(u32(4)), undefined, 'index past max_entries is ENOENT');
});

test('array: flags and errors as the kernel (EEXIST, E2BIG, EINVAL, delete refused)', () => {
  const m = createMap(new Arena(), { type: 'array', keySize: 4, valueSize: 4, maxEntries: 2, name: 'a' });
  assert.equal(errnoOf(() => m.update(u32(0), u32(1), BPF_NOEXIST)), EEXIST);
  assert.equal(errnoOf(() => m.update(u32(0), u32(1), BPF_EXIST)), 0);
  assert.equal(errnoOf(() => m.update(u32(2), u32(1), BPF_ANY)), E2BIG);
  assert.equal(errnoOf(() => m.update(u32(0), u32(1), 3)), EINVAL, 'unknown flag combination');
  assert.equal(errnoOf(() => m.update(u32(0), u32(1), BPF_F_LOCK)), EINVAL, 'BPF_F_LOCK without a bpf_spin_lock');
  assert.equal(errnoOf(() => m.delete(u32(0))), EINVAL);
  assert.equal(errnoOf(() => m.update(u32(0), new Uint8Array(5))), EINVAL, 'wrong value size');
});

test('array and percpu_array: a flag in bit 31, or above (saturated to 0xffffffff), is EINVAL', () => {
  const arena = new Arena();
  for (const type of ['array', 'percpu_array'] as const) {
    const m = createMap(arena, { type, keySize: 4, valueSize: 4, maxEntries: 2, name: 'a' });
    const key = arena.alloc(4);
    const value = arena.alloc(4);
    for (const flags of [0x80000000, 0xffffffff]) {
      assert.equal(errnoOf(() => m.update(u32(0), type === 'array' ? u32(1) : new Uint8Array(8 * m.nCpus), flags)), EINVAL, `${type} bpf() flags 0x${flags.toString(16)}`);
      assert.equal(m.updateElem(key, value, flags, 0), -EINVAL, `${type} helper flags 0x${flags.toString(16)}`);
    }
  }
});

test('array: get_next_key walks indexes; a missing or out-of-range key restarts at 0', () => {
  const m = createMap(new Arena(), { type: 'array', keySize: 4, valueSize: 4, maxEntries: 3, name: 'a' });
  assert.deepEqual(m.keys().map((k) => readU32(k)), [0, 1, 2]);
  assert.equal(readU32(m.nextKey(u32(7))!), 0);
  assert.equal(readU32(m.nextKey(u32(1))!), 2);
  assert.equal(m.nextKey(u32(2)), undefined);
});

test('array: definitions the kernel refuses', () => {
  const arena = new Arena();
  const bad = [
    { keySize: 8, valueSize: 4, maxEntries: 1 },
    { keySize: 4, valueSize: 0, maxEntries: 1 },
    { keySize: 4, valueSize: 4, maxEntries: 0 },
    { keySize: 4, valueSize: 4, maxEntries: 1, flags: BPF_F_NO_PREALLOC },
  ];
  for (const d of bad) {
    assert.throws(() => createMap(arena, { type: 'array', name: 'x', ...d }), (e: unknown) => e instanceof MapDefinitionError && e.errno === EINVAL);
  }
  assert.throws(() => createMap(arena, { type: 'percpu_array', keySize: 4, valueSize: 4, maxEntries: 1, flags: BPF_F_MMAPABLE }), MapDefinitionError);
  assert.throws(() => createMap(arena, { type: 'percpu_array', keySize: 4, valueSize: 40000, maxEntries: 1 }), (e: unknown) => e instanceof MapDefinitionError && e.errno === E2BIG);
});

test('array: each value is its own region; read-only for programs with BPF_F_RDONLY_PROG', () => {
  const arena = new Arena();
  const m = createMap(arena, { type: 'array', keySize: 4, valueSize: 12, maxEntries: 2, name: 'a' }) as ArrayMap;
  const v0 = m.valueOffset(0);
  arena.check(0, v0, 12, true);
  assert.throws(() => arena.check(0, v0 + 8, 8, false), MemoryAccessError, 'runs past value 0');
  assert.equal(m.valueOffset(1) - v0, 16, 'values are 8-byte aligned');
  const ro = createMap(arena, { type: 'array', keySize: 4, valueSize: 8, maxEntries: 1, flags: BPF_F_RDONLY_PROG, name: 'ro' }) as ArrayMap;
  arena.check(0, ro.valueOffset(0), 8, false);
  assert.throws(() => arena.check(0, ro.valueOffset(0), 8, true), MemoryAccessError);
  ro.update(u32(0), u64(5n));
  assert.deepEqual(ro.lookup(u32(0)), u64(5n), 'the host may still write it');
});

test('array: the descriptor gives the JIT the values base and stride; direct value pointers', () => {
  const arena = new Arena();
  const m = createMap(arena, { type: 'array', keySize: 4, valueSize: 20, maxEntries: 3, name: 'a' }) as ArrayMap;
  assert.equal(arena.view.getUint32(m.descriptorOffset + DESC_DATA0, true), m.valuesOffset);
  assert.equal(arena.view.getUint32(m.descriptorOffset + DESC_DATA1, true), 24);
  assert.equal(m.directValuePointer(4), arena.pointer(m.valuesOffset + 4));
  assert.throws(() => m.directValuePointer(20), RangeError);
  assert.equal(mapRegistry(arena).fromPointer(m.pointer), m);
});

test('array: program-side lookup returns the value offset and in-place writes are visible', () => {
  const arena = new Arena();
  const m = createMap(arena, { type: 'array', keySize: 4, valueSize: 8, maxEntries: 2, name: 'a' });
  const key = arena.alloc(8);
  arena.view.setUint32(key, 1, true);
  const v = m.lookupElem(key, 0);
  arena.view.setBigUint64(v, 42n, true);
  assert.deepEqual(m.lookup(u32(1)), u64(42n));
  arena.view.setUint32(key, 2, true);
  assert.equal(m.lookupElem(key, 0), 0);
});

test('array: BPF_F_LOCK copies around the bpf_spin_lock; bpf() shows the lock as zero', () => {
  const arena = new Arena();
  const m = createMap(arena, { type: 'array', keySize: 4, valueSize: 8, maxEntries: 1, spinLockOffset: 0, name: 'l' }) as ArrayMap;
  arena.view.setUint32(m.valueOffset(0), 1, true); // lock held
  m.update(u32(0), u64(0xaaaaaaaa_bbbbbbbbn), BPF_F_LOCK);
  assert.equal(arena.view.getUint32(m.valueOffset(0), true), 1, 'the lock word is not overwritten');
  assert.equal(arena.view.getUint32(m.valueOffset(0) + 4, true), 0xaaaaaaaa);
  assert.deepEqual(m.lookup(u32(0)), u64(0xaaaaaaaa_00000000n));
});

test('array: access flags and freezing (EPERM as bpf())', () => {
  const arena = new Arena();
  const rdonly = createMap(arena, { type: 'array', keySize: 4, valueSize: 4, maxEntries: 1, flags: BPF_F_RDONLY });
  assert.equal(errnoOf(() => rdonly.update(u32(0), u32(1))), EPERM);
  assert.deepEqual(rdonly.lookup(u32(0)), u32(0));
  const wronly = createMap(arena, { type: 'array', keySize: 4, valueSize: 4, maxEntries: 1, flags: BPF_F_WRONLY });
  assert.equal(errnoOf(() => wronly.lookup(u32(0))), EPERM);
  const frozen = createMap(arena, { type: 'array', keySize: 4, valueSize: 4, maxEntries: 1 });
  frozen.update(u32(0), u32(9));
  frozen.freeze();
  assert.equal(errnoOf(() => frozen.update(u32(0), u32(1))), EPERM);
  assert.deepEqual(frozen.lookup(u32(0)), u32(9));
});

test('percpu_array: one value per CPU; programs see their CPU, bpf() all of them', () => {
  const arena = new Arena();
  mapRegistry(arena).nCpus = 3;
  const m = createMap(arena, { type: 'percpu_array', keySize: 4, valueSize: 4, maxEntries: 2, name: 'pc' });
  assert.equal(m.perCpu, true);
  assert.equal(m.sysValueSize, 24, 'round_up(4, 8) * 3 CPUs');
  m.updatePerCpu(u32(1), [u32(10), u32(11), u32(12)]);
  assert.deepEqual(m.lookupPerCpu(u32(1)), [u32(10), u32(11), u32(12)]);
  const key = arena.alloc(8);
  const val = arena.alloc(8);
  arena.view.setUint32(key, 1, true);
  arena.view.setUint32(val, 99, true);
  assert.equal(m.updateElem(key, val, BPF_ANY, 2), 0);
  assert.deepEqual(m.lookupPerCpu(u32(1)), [u32(10), u32(11), u32(99)]);
  assert.equal(arena.view.getUint32(m.lookupElem(key, 1), true), 11);
  assert.equal(arena.view.getUint32(m.lookupPercpuElem(key, 0), true), 10);
  assert.equal(m.lookupPercpuElem(key, 3), 0, 'no CPU 3');
  assert.deepEqual(m.entriesPerCpu().map(([k, v]) => [readU32(k), v.map((x) => readU32(x))]), [[0, [0, 0, 0]], [1, [10, 11, 99]]]);
});

test('array: for_each visits every index with a read-only key', () => {
  const arena = new Arena();
  const m = createMap(arena, { type: 'array', keySize: 4, valueSize: 4, maxEntries: 5 });
  const seen: number[] = [];
  const n = m.forEachElem(0, (k, v) => {
    assert.throws(() => arena.check(0, k, 4, true), MemoryAccessError);
    seen.push(arena.view.getUint32(k, true));
    arena.view.setUint32(v, 7, true);
    return seen.length === 3;
  });
  assert.equal(n, 3);
  assert.deepEqual(seen, [0, 1, 2]);
  assert.deepEqual(m.lookup(u32(2)), u32(7));
  assert.deepEqual(m.lookup(u32(3)), u32(0));
});
