// devmap, devmap_hash, cpumap and xskmap: creation checks and bpf() semantics,
// with the kernel as the reference (same random operations on both sides).
// Values name the loopback device (ifindex 1, which the VM and every network
// namespace have), devices that do not exist, and no/unknown programs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { Arena } from '../../src/memory/arena.js';
import { createMap, mapRegistry, BPF_F_RDONLY_PROG, MapDefinitionError, type MapDefinition, type MapTypeName } from '../../src/maps/index.js';
import { KernelMap, possibleCpus, type BpfMapTypeName } from '../../src/kernel/index.js';
import { kernelSkipReason } from '../support/kernel.js';
import { errnoOf, hex, u32 } from './bytes.js';

const skip = kernelSkipReason();
const RUNS = Number(process.env.TSBPF_MAP_DIFF_RUNS ?? 25);
const TYPES = ['devmap', 'devmap_hash', 'cpumap', 'xskmap'] as const;
const kernelType = (t: MapTypeName): BpfMapTypeName => `BPF_MAP_TYPE_${t.toUpperCase()}` as BpfMapTypeName;

const pair = (a: number, b: number): Uint8Array => {
  const out = new Uint8Array(8);
  const v = new DataView(out.buffer);
  v.setUint32(0, a >>> 0, true);
  v.setInt32(4, b, true);
  return out;
};

function createErrno(def: MapDefinition): number {
  return errnoOf(() => createMap(new Arena(), def).close());
}

test('redirect maps: creation checks as the kernel makes them', { skip }, () => {
  const defs: MapDefinition[] = [];
  for (const type of TYPES) {
    for (const [keySize, valueSize] of [[4, 4], [4, 8], [4, 12], [8, 4], [4, 0]]) defs.push({ type, keySize, valueSize, maxEntries: 4 });
    for (const flags of [0, 1, 4, 8, 16, 64, BPF_F_RDONLY_PROG]) defs.push({ type, keySize: 4, valueSize: 4, maxEntries: 4, flags });
    for (const maxEntries of [0, 1, 256, 257, 100000]) defs.push({ type, keySize: 4, valueSize: 4, maxEntries });
  }
  for (const def of defs) {
    const kernel = errnoOf(() => KernelMap.create({ ...def, type: kernelType(def.type as MapTypeName), name: 'tsbpf_redir' }).close());
    assert.equal(createErrno(def), kernel, JSON.stringify(def));
  }
});

test('devmap and devmap_hash read back BPF_F_RDONLY_PROG; programs cannot write them', () => {
  for (const type of ['devmap', 'devmap_hash'] as const) {
    const map = createMap(new Arena(), { type, keySize: 4, valueSize: 4, maxEntries: 2 });
    assert.equal(map.flags & BPF_F_RDONLY_PROG, BPF_F_RDONLY_PROG);
    assert.equal(map.programWritable, false);
  }
  assert.throws(() => createMap(new Arena(), { type: 'devmap', keySize: 4, valueSize: 4, maxEntries: 2, flags: BPF_F_RDONLY_PROG }), MapDefinitionError);
});

test('devmap: devices the VM knows are registry.netdevs (loopback by default)', () => {
  const arena = new Arena();
  const map = createMap(arena, { type: 'devmap', keySize: 4, valueSize: 4, maxEntries: 2 });
  assert.equal(errnoOf(() => map.update(u32(0), u32(7))), 22);
  mapRegistry(arena).netdevs.add(7);
  map.update(u32(0), u32(7));
  assert.deepEqual(map.lookup(u32(0)), u32(7));
});

type Op = { op: 'update'; key: number; value: number; flags: number } | { op: 'delete' | 'lookup' | 'next'; key: number };

const VALUES = [[1, 0], [0, 0], [999, 0], [1, -1], [1, 999], [0, 5], [64, 0], [16384, 0], [20000, 0]] as const;

for (const type of TYPES) {
  for (const valueSize of type === 'xskmap' ? [4] : [4, 8]) {
    test(`kernel differential: ${type} (value_size ${valueSize}) under random bpf() operations`, { skip }, () => {
      const maxEntries = 3;
      const op: fc.Arbitrary<Op> = fc.oneof(
        // xskmap values are socket fds: only ones no process has open are comparable.
        { weight: 5, arbitrary: fc.record({ op: fc.constant('update' as const), key: fc.nat(12), value: type === 'xskmap' ? fc.constantFrom(2, 7, 8) : fc.nat(VALUES.length - 1), flags: fc.constantFrom(0, 1, 2, 4) }) },
        { weight: 2, arbitrary: fc.record({ op: fc.constantFrom('delete' as const, 'lookup' as const, 'next' as const), key: fc.integer({ min: -1, max: 12 }) }) },
      );
      fc.assert(fc.property(fc.array(op, { minLength: 1, maxLength: 50 }), (ops) => {
        const arena = new Arena();
        mapRegistry(arena).nCpus = possibleCpus();
        const def = { type, keySize: 4, valueSize, maxEntries };
        const ours = createMap(arena, def);
        const kernel = KernelMap.create({ ...def, type: kernelType(type), name: 'tsbpf_redir' });
        const sides = [ours, kernel] as const;
        const run = (side: (typeof sides)[number], o: Op): string => {
          const key = o.key < 0 ? undefined : u32(o.key);
          let out: Uint8Array | boolean | undefined | void;
          const errno = errnoOf(() => {
            if (o.op === 'update') out = side.update(key!, pair(VALUES[o.value][0], VALUES[o.value][1]).subarray(0, valueSize), o.flags);
            else if (o.op === 'delete') out = key && side.delete(key);
            else if (o.op === 'lookup') out = key && side.lookup(key);
            else out = side.nextKey(key);
          });
          return errno ? `errno ${errno}` : out instanceof Uint8Array ? hex(out) : String(out);
        };
        try {
          ops.forEach((o, i) => assert.equal(run(ours, o), run(kernel, o), `op ${i}: ${JSON.stringify(o)}`));
          const dump = (side: (typeof sides)[number]): string[] => {
            const keys: string[] = [];
            for (let k = side.nextKey(undefined); k && keys.length < 20; k = side.nextKey(k)) keys.push(hex(k));
            return keys;
          };
          assert.deepEqual(dump(ours), dump(kernel));
        } finally {
          kernel.close();
          ours.close();
        }
      }), { numRuns: RUNS });
    });
  }
}
