import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Arena } from '../../src/memory/arena.js';
import type { TailCallTarget } from '../../src/engine/abi.js';
import {
  createMap, mapRegistry, ProgArrayMap, PerfEventArrayMap, ArrayOfMapsMap, HashOfMapsMap, PerfEventBuffer,
  MapDefinitionError, BPF_NOEXIST, BPF_F_INNER_MAP, BPF_F_RDONLY_PROG, E2BIG, EBADF, EINVAL, ENOENT, ENOSPC, ENOTSUPP,
  EOPNOTSUPP,
} from '../../src/maps/index.js';
import { errnoOf, readU32, u32 } from './bytes.js';

const target = (r0: bigint): TailCallTarget => ({ run: () => r0 });

test('prog_array: slots hold registered programs; bpf() writes and reads program ids', () => {
  const arena = new Arena();
  const registry = mapRegistry(arena);
  const pa = createMap(arena, { type: 'prog_array', keySize: 4, valueSize: 4, maxEntries: 4, name: 'jmp' }) as ProgArrayMap;
  const p1 = registry.addProgram(target(1n), 'one', 'xdp');
  const p2 = registry.addProgram(target(2n), 'two', 'socket_filter');
  pa.update(u32(0), u32(p1.id));
  assert.equal(readU32(pa.lookup(u32(0))!), p1.id);
  assert.equal(pa.tailCallTarget(0), p1.target);
  assert.equal(pa.tailCallTarget(1), null);
  assert.equal(pa.tailCallTarget(99), null);
  assert.equal(errnoOf(() => pa.update(u32(1), u32(999))), EBADF);
  assert.equal(errnoOf(() => pa.update(u32(1), u32(p2.id))), EINVAL, 'programs of one array share a type');
  assert.equal(errnoOf(() => pa.update(u32(4), u32(p1.id))), E2BIG);
  assert.equal(errnoOf(() => pa.update(u32(1), u32(p1.id), BPF_NOEXIST)), EINVAL, 'only BPF_ANY');
  assert.equal(pa.delete(u32(1)), false);
  assert.equal(pa.delete(u32(0)), true);
  assert.equal(errnoOf(() => pa.delete(u32(7))), E2BIG);
  pa.setProgram(2, p1);
  assert.deepEqual(pa.keys().map((k) => readU32(k)), [0, 1, 2, 3]);
  assert.deepEqual(pa.entries().map(([k]) => readU32(k)), [2]);
  assert.throws(() => createMap(arena, { type: 'prog_array', keySize: 4, valueSize: 8, maxEntries: 1 }), MapDefinitionError);
  assert.throws(() => createMap(arena, { type: 'prog_array', keySize: 4, valueSize: 4, maxEntries: 1, flags: BPF_F_RDONLY_PROG }), MapDefinitionError);
});

test('perf_event_array: samples go to the buffer of the slot, on its CPU only', () => {
  const arena = new Arena();
  mapRegistry(arena).nCpus = 2;
  const pe = createMap(arena, { type: 'perf_event_array', keySize: 4, valueSize: 4, maxEntries: 2, name: 'events' }) as PerfEventArrayMap;
  assert.equal(errnoOf(() => pe.lookup(u32(0))), ENOTSUPP, 'bpf() lookups are refused even on an empty slot, as bpftool map dump shows');
  assert.equal(pe.output(0, 0, new Uint8Array([1])), -ENOENT, 'no buffer open');
  const [b0, b1] = pe.openAll(64);
  assert.equal(pe.output(0, 0, new Uint8Array([1, 2, 3])), 0);
  assert.equal(pe.output(1, 0, new Uint8Array([1])), -EOPNOTSUPP, 'slot 1 belongs to CPU 1');
  assert.equal(pe.output(2, 0, new Uint8Array([1])), -E2BIG);
  assert.deepEqual(b0.drain(), [new Uint8Array([1, 2, 3, 0])], 'raw samples are padded so that size + 4 is a multiple of 8');
  assert.equal(b1.pending, 0);
  assert.equal(PerfEventBuffer.recordSize(20), 32);
  assert.equal(pe.output(0, 0, new Uint8Array(20)), 0);
  assert.equal(pe.output(0, 0, new Uint8Array(20)), 0);
  assert.equal(pe.output(0, 0, new Uint8Array(20)), -ENOSPC, 'a 64-byte buffer holds two 32-byte records');
  assert.equal(b0.lost, 1);
  assert.equal(errnoOf(() => pe.lookup(u32(0))), ENOTSUPP);
  assert.equal(errnoOf(() => pe.update(u32(0), u32(3))), EBADF);
});

test('array_of_maps: lookups from programs return the inner map; bpf() uses map ids', () => {
  const arena = new Arena();
  const inner = { type: 'array' as const, keySize: 4, valueSize: 8, maxEntries: 4 };
  const outer = createMap(arena, { type: 'array_of_maps', keySize: 4, valueSize: 4, maxEntries: 2, innerMap: inner, name: 'outer' }) as ArrayOfMapsMap;
  const a = createMap(arena, { ...inner, name: 'a' });
  const wrongSize = createMap(arena, { ...inner, maxEntries: 5, name: 'b' });
  const wrongType = createMap(arena, { type: 'hash', keySize: 4, valueSize: 8, maxEntries: 4, name: 'c' });
  outer.update(u32(1), u32(a.id));
  assert.equal(readU32(outer.lookup(u32(1))!), a.id);
  assert.equal(errnoOf(() => outer.update(u32(0), u32(wrongSize.id))), EINVAL, 'array inners must match max_entries');
  assert.equal(errnoOf(() => outer.update(u32(0), u32(wrongType.id))), EINVAL);
  assert.equal(errnoOf(() => outer.update(u32(0), u32(12345))), EBADF);
  const key = arena.alloc(8);
  arena.view.setUint32(key, 1, true);
  assert.equal(mapRegistry(arena).fromPointer(arena.pointer(outer.lookupElem(key))), a);
  arena.view.setUint32(key, 0, true);
  assert.equal(outer.lookupElem(key), 0);
  assert.equal(outer.delete(u32(1)), true);
  assert.equal(outer.lookup(u32(1)), undefined);
  const flexible = createMap(arena, { type: 'array_of_maps', keySize: 4, valueSize: 4, maxEntries: 1, innerMap: { ...inner, flags: BPF_F_INNER_MAP } }) as ArrayOfMapsMap;
  const sized = createMap(arena, { ...inner, flags: BPF_F_INNER_MAP, maxEntries: 100 });
  flexible.setMap(0, sized);
  assert.throws(() => createMap(arena, { type: 'array_of_maps', keySize: 4, valueSize: 4, maxEntries: 1 }), MapDefinitionError, 'needs an inner map');
  assert.throws(() => createMap(arena, { type: 'array_of_maps', keySize: 4, valueSize: 4, maxEntries: 1, innerMap: { type: 'array_of_maps', keySize: 4, valueSize: 4, maxEntries: 1 } }),
    (e: unknown) => e instanceof MapDefinitionError && e.errno === ENOTSUPP);
});

test('hash_of_maps: hash semantics with inner maps as values', () => {
  const arena = new Arena();
  const inner = { type: 'hash' as const, keySize: 4, valueSize: 4, maxEntries: 8 };
  const outer = createMap(arena, { type: 'hash_of_maps', keySize: 4, valueSize: 4, maxEntries: 2, innerMap: inner, name: 'hom' }) as HashOfMapsMap;
  const maps = [1, 2, 3].map((i) => createMap(arena, { ...inner, maxEntries: i, name: `in${i}` }));
  outer.setMap(u32(10), maps[0]);
  outer.setMap(u32(20), maps[1]);
  assert.equal(errnoOf(() => outer.setMap(u32(30), maps[2])), E2BIG);
  const order = outer.keys().map((k) => readU32(k));
  outer.setMap(u32(10), maps[2]);
  assert.deepEqual(outer.keys().map((k) => readU32(k)), order, 'replaced in place even when full, as the kernel does');
  outer.setMap(u32(10), maps[0]);
  assert.equal(outer.getMap(u32(20)), maps[1]);
  const key = arena.alloc(8);
  arena.view.setUint32(key, 10, true);
  assert.equal(outer.lookupElem(key), maps[0].descriptorOffset);
  assert.equal(readU32(outer.lookup(u32(10))!), maps[0].id);
  assert.equal(outer.updateElem(), -EINVAL, 'programs cannot update maps of maps');
  assert.equal(outer.delete(u32(10)), true);
  assert.equal(outer.getMap(u32(10)), undefined);
  assert.equal(errnoOf(() => outer.update(u32(1), u32(4242))), EBADF);
  assert.throws(() => createMap(arena, { type: 'hash_of_maps', keySize: 4, valueSize: 8, maxEntries: 2, innerMap: inner }), MapDefinitionError);
});

test('maps close: regions and descriptor go away', () => {
  const arena = new Arena();
  const before = arena.listRegions().length;
  const m = createMap(arena, { type: 'hash', keySize: 4, valueSize: 4, maxEntries: 4 });
  m.update(u32(1), u32(1));
  const pointer = m.pointer;
  m.close();
  assert.equal(arena.listRegions().length, before);
  assert.equal(mapRegistry(arena).fromPointer(pointer), undefined);
  assert.equal(errnoOf(() => m.lookup(u32(1))), EINVAL);
});
