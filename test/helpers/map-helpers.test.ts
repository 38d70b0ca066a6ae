import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MemoryAccessError } from '../../src/memory/errors.js';
import { createMap, mapRegistry, BPF_NOEXIST, BPF_F_RDONLY_PROG, E2BIG, EEXIST, EINVAL, ENOENT, EPERM } from '../../src/maps/index.js';
import { HelperError } from '../../src/helpers/errors.js';
import { testEnv } from './env.js';

const u32b = (n: number): Uint8Array => new Uint8Array(new Uint32Array([n]).buffer);

test('map_lookup_elem returns a pointer into the value; writes through it are the map\'s', () => {
  const t = testEnv();
  const m = createMap(t.arena, { type: 'hash', keySize: 4, valueSize: 8, maxEntries: 4, name: 'h' });
  const key = t.region(4, u32b(7));
  const value = t.region(8, new Uint8Array([1, 0, 0, 0, 0, 0, 0, 0]));
  assert.equal(t.call('map_lookup_elem', m.pointer, key), 0n);
  assert.equal(t.call('map_update_elem', m.pointer, key, value, 0n), 0n);
  const p = t.call('map_lookup_elem', m.pointer, key);
  assert.notEqual(p, 0n);
  t.arena.view.setBigUint64(t.off(p), 41n, true);
  assert.deepEqual(m.lookup(u32b(7)), new Uint8Array([41, 0, 0, 0, 0, 0, 0, 0]));
  assert.equal(t.signed('map_update_elem', m.pointer, key, value, BigInt(BPF_NOEXIST)), BigInt(-EEXIST));
  assert.equal(t.signed('map_update_elem', m.pointer, key, value, 1n << 40n), BigInt(-EINVAL), 'flags beyond 32 bits');
  assert.equal(t.call('map_delete_elem', m.pointer, key), 0n);
  assert.equal(t.signed('map_delete_elem', m.pointer, key), BigInt(-ENOENT));
});

test('map helpers check memory and map arguments', () => {
  const t = testEnv();
  const m = createMap(t.arena, { type: 'array', keySize: 4, valueSize: 8, maxEntries: 4 });
  const small = t.region(2);
  assert.throws(() => t.call('map_lookup_elem', m.pointer, small), MemoryAccessError, 'a 4-byte key from a 2-byte region');
  assert.throws(() => t.call('map_lookup_elem', 0x1234n, small), HelperError);
  const key = t.region(4, u32b(9));
  assert.equal(t.call('map_lookup_elem', m.pointer, key), 0n, 'index out of range');
  const value = t.region(8);
  assert.equal(t.signed('map_update_elem', m.pointer, key, value, 0n), BigInt(-E2BIG));
});

test('programs cannot change BPF_F_RDONLY_PROG maps through helpers', () => {
  const t = testEnv();
  const m = createMap(t.arena, { type: 'array', keySize: 4, valueSize: 4, maxEntries: 1, flags: BPF_F_RDONLY_PROG });
  const key = t.region(4);
  assert.equal(t.signed('map_update_elem', m.pointer, key, t.region(4), 0n), BigInt(-EPERM));
  assert.notEqual(t.call('map_lookup_elem', m.pointer, key), 0n);
});

test('per-CPU maps follow the run\'s CPU', () => {
  const t = testEnv();
  mapRegistry(t.arena).nCpus = 4;
  const m = createMap(t.arena, { type: 'percpu_array', keySize: 4, valueSize: 4, maxEntries: 1 });
  const key = t.region(4);
  for (let cpu = 0; cpu < 4; cpu++) {
    t.env.cpu = cpu;
    assert.equal(t.call('get_smp_processor_id'), BigInt(cpu));
    t.arena.view.setUint32(t.off(t.call('map_lookup_elem', m.pointer, key)), 10 + cpu, true);
  }
  assert.deepEqual(m.lookupPerCpu(u32b(0)), [u32b(10), u32b(11), u32b(12), u32b(13)]);
  const other = t.call('map_lookup_percpu_elem', m.pointer, key, 2n);
  assert.equal(t.arena.view.getUint32(t.off(other), true), 12);
  assert.equal(t.call('map_lookup_percpu_elem', m.pointer, key, 4n), 0n);
  t.env.cpu = 4;
  assert.throws(() => t.call('map_lookup_elem', m.pointer, key), HelperError);
});

test('queue helpers: push, peek, pop; bloom filter peek tests membership', () => {
  const t = testEnv();
  const q = createMap(t.arena, { type: 'queue', keySize: 0, valueSize: 4, maxEntries: 2 });
  const v = t.region(4, u32b(5));
  const out = t.region(4);
  assert.equal(t.call('map_push_elem', q.pointer, v, 0n), 0n);
  assert.equal(t.call('map_peek_elem', q.pointer, out), 0n);
  assert.equal(t.arena.view.getUint32(t.off(out), true), 5);
  assert.equal(t.call('map_pop_elem', q.pointer, out), 0n);
  assert.equal(t.signed('map_pop_elem', q.pointer, out), BigInt(-ENOENT));
  const b = createMap(t.arena, { type: 'bloom_filter', keySize: 0, valueSize: 4, maxEntries: 10 });
  const ro = t.region(4, u32b(77), false);
  assert.equal(t.signed('map_peek_elem', b.pointer, ro), BigInt(-ENOENT), 'a read-only value is fine for a bloom filter');
  assert.equal(t.call('map_push_elem', b.pointer, ro, 0n), 0n);
  assert.equal(t.call('map_peek_elem', b.pointer, ro), 0n);
});

test('maps of maps: the lookup result is a map pointer other helpers take', () => {
  const t = testEnv();
  const inner = { type: 'array' as const, keySize: 4, valueSize: 4, maxEntries: 1 };
  const outer = createMap(t.arena, { type: 'array_of_maps', keySize: 4, valueSize: 4, maxEntries: 1, innerMap: inner });
  const a = createMap(t.arena, inner);
  outer.update(u32b(0), u32b(a.id));
  const key = t.region(4);
  const innerPointer = t.call('map_lookup_elem', outer.pointer, key);
  assert.equal(innerPointer, a.pointer);
  assert.notEqual(t.call('map_lookup_elem', innerPointer, key), 0n);
});
