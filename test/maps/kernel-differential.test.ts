// The kernel as the reference for map semantics: the same random sequence of
// bpf() operations on a tsbpf map and on a kernel map of the same definition
// must give the same results (errno, values, next keys) and, at the end, the
// same keys in the same iteration order and the same values. Hash maps are
// created with BPF_F_ZERO_SEED in the kernel, which is tsbpf's hashing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { Arena } from '../../src/memory/arena.js';
import { createMap, mapRegistry, type BpfMap, type MapDefinition, type MapTypeName } from '../../src/maps/index.js';
import { BPF_F_NO_PREALLOC, BPF_F_ZERO_SEED } from '../../src/maps/flags.js';
import { KernelMap, possibleCpus, type BpfMapTypeName } from '../../src/kernel/index.js';
import { BpfAttr } from '../../src/kernel/bpf-attr.js';
import { sysBpf } from '../../src/kernel/syscall.js';
import { BpfCmd } from '../../src/kernel/uapi.js';
import { kernelSkipReason } from '../support/kernel.js';
import { errnoOf, hex, lpmKey, u32 } from './bytes.js';

const skip = kernelSkipReason();
// TSBPF_MAP_DIFF_RUNS raises the count for a longer search (the default keeps npm test fast).
const RUNS = Number(process.env.TSBPF_MAP_DIFF_RUNS ?? 25);

/** One side of the comparison: tsbpf's host API and KernelMap have the same shape. */
interface Side {
  update(key: Uint8Array, value: Uint8Array, flags: number): void;
  lookup(key: Uint8Array): Uint8Array | undefined;
  delete(key: Uint8Array): boolean;
  nextKey(key: Uint8Array | undefined): Uint8Array | undefined;
}

type Op =
  | { op: 'update'; key: number; value: number; flags: number }
  | { op: 'delete'; key: number }
  | { op: 'lookup'; key: number }
  | { op: 'next'; key: number };

interface Scenario {
  readonly name: string;
  readonly def: MapDefinition & { type: MapTypeName };
  /** Extra kernel map_flags (BPF_F_ZERO_SEED for the hash types). */
  readonly kernelFlags?: number;
  readonly keys: number;
  readonly key: (i: number) => Uint8Array;
  readonly flags: readonly number[];
}

const bytesFrom = (seed: number, length: number): Uint8Array => {
  const out = new Uint8Array(length);
  let x = seed | 1;
  for (let i = 0; i < length; i++) {
    x ^= x << 13; x ^= x >>> 17; x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
};

const LPM_PREFIXES = [0, 8, 12, 16, 24, 32];
const LPM_ADDRS = [[10, 0, 0, 0], [10, 1, 0, 0], [10, 1, 2, 0], [10, 1, 2, 3], [192, 168, 1, 1], [10, 128, 0, 0]];
const lpmOf = (i: number): Uint8Array => lpmKey(LPM_PREFIXES[i % LPM_PREFIXES.length], LPM_ADDRS[Math.floor(i / LPM_PREFIXES.length) % LPM_ADDRS.length]);

// 0x80000000: an unknown flag in bit 31 must be EINVAL, not read as a negative number.
const hashFlags = [0, 1, 2, 3, 4, 0x80000000];
const scenarios: Scenario[] = [
  { name: 'array', def: { type: 'array', keySize: 4, valueSize: 12, maxEntries: 6 }, keys: 9, key: u32, flags: hashFlags },
  { name: 'percpu_array', def: { type: 'percpu_array', keySize: 4, valueSize: 4, maxEntries: 5 }, keys: 7, key: u32, flags: hashFlags },
  { name: 'hash', def: { type: 'hash', keySize: 4, valueSize: 8, maxEntries: 8 }, kernelFlags: BPF_F_ZERO_SEED, keys: 14, key: u32, flags: hashFlags },
  { name: 'hash (odd key size)', def: { type: 'hash', keySize: 5, valueSize: 3, maxEntries: 10 }, kernelFlags: BPF_F_ZERO_SEED, keys: 16, key: (i) => bytesFrom(i + 1, 5), flags: hashFlags },
  { name: 'hash (no prealloc)', def: { type: 'hash', keySize: 8, valueSize: 4, maxEntries: 6, flags: BPF_F_NO_PREALLOC }, kernelFlags: BPF_F_ZERO_SEED, keys: 10, key: (i) => bytesFrom(i + 7, 8), flags: hashFlags },
  { name: 'percpu_hash', def: { type: 'percpu_hash', keySize: 4, valueSize: 4, maxEntries: 6 }, kernelFlags: BPF_F_ZERO_SEED, keys: 10, key: u32, flags: hashFlags },
  // LRU maps below their size: the kernel's per-CPU free lists evict early once they run dry.
  { name: 'lru_hash', def: { type: 'lru_hash', keySize: 4, valueSize: 8, maxEntries: 256 }, kernelFlags: BPF_F_ZERO_SEED, keys: 24, key: u32, flags: hashFlags },
  { name: 'lru_percpu_hash', def: { type: 'lru_percpu_hash', keySize: 4, valueSize: 8, maxEntries: 256 }, kernelFlags: BPF_F_ZERO_SEED, keys: 24, key: u32, flags: hashFlags },
  { name: 'lpm_trie', def: { type: 'lpm_trie', keySize: 8, valueSize: 4, maxEntries: 12, flags: BPF_F_NO_PREALLOC }, keys: 36, key: lpmOf, flags: [0, 1, 2, 3] },
];

const kernelType = (t: MapTypeName): BpfMapTypeName => `BPF_MAP_TYPE_${t.toUpperCase()}` as BpfMapTypeName;

/** What an operation gave: a value, a key, a boolean, or an errno. */
function outcome(f: () => Uint8Array | boolean | undefined | void): string {
  let result: Uint8Array | boolean | undefined | void;
  const errno = errnoOf(() => { result = f(); });
  if (errno !== 0) return `errno ${errno}`;
  return result instanceof Uint8Array ? `bytes ${hex(result)}` : String(result);
}

function apply(side: Side, s: Scenario, valueSize: number, o: Op): string {
  const key = s.key(Math.max(o.key, 0));
  switch (o.op) {
    case 'update': return outcome(() => side.update(key, bytesFrom(o.value, valueSize), o.flags));
    case 'delete': return outcome(() => side.delete(key));
    case 'lookup': return outcome(() => side.lookup(key));
    default: return outcome(() => side.nextKey(o.key < 0 ? undefined : key));
  }
}

function dump(side: Side): string[] {
  const out: string[] = [];
  for (let k = side.nextKey(undefined); k && out.length < 1000; k = side.nextKey(k)) out.push(`${hex(k)}=${hex(side.lookup(k) ?? new Uint8Array(0))}`);
  return out;
}

const opArb = (s: Scenario): fc.Arbitrary<Op> => fc.oneof(
  { weight: 5, arbitrary: fc.record({ op: fc.constant('update' as const), key: fc.nat(s.keys - 1), value: fc.nat(), flags: fc.constantFrom(...s.flags) }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('delete' as const), key: fc.nat(s.keys - 1) }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('lookup' as const), key: fc.nat(s.keys - 1) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('next' as const), key: fc.integer({ min: -1, max: s.keys - 1 }) }) },
);

for (const s of scenarios) {
  test(`kernel differential: ${s.name} under random bpf() operations`, { skip }, () => {
    fc.assert(fc.property(fc.array(opArb(s), { minLength: 1, maxLength: 80 }), (ops) => {
      const arena = new Arena();
      mapRegistry(arena).nCpus = possibleCpus();
      const ours = createMap(arena, { ...s.def, name: 'ours' });
      const kernel = KernelMap.create({ ...s.def, type: kernelType(s.def.type), flags: (s.def.flags ?? 0) | (s.kernelFlags ?? 0), name: 'tsbpf_diff' });
      try {
        assert.equal(ours.sysValueSize, kernel.userValueSize);
        ops.forEach((o, i) => {
          assert.equal(apply(ours, s, ours.sysValueSize, o), apply(kernel, s, kernel.userValueSize, o), `op ${i}: ${JSON.stringify(o)}`);
        });
        assert.deepEqual(dump(ours), dump(kernel), 'contents in iteration order');
      } finally {
        kernel.close();
        ours.close();
      }
    }), { numRuns: RUNS });
  });
}

/** BPF_MAP_LOOKUP_AND_DELETE_ELEM with a NULL key: pop from a kernel queue or stack. */
function kernelPop(map: KernelMap): Uint8Array | undefined {
  const value = new Uint8Array(map.valueSize);
  const errno = errnoOf(() => sysBpf(BpfCmd.BPF_MAP_LOOKUP_AND_DELETE_ELEM, new BpfAttr().u32(0, map.fd).pointer(16, value)));
  if (errno === 2) return undefined;
  if (errno !== 0) throw Object.assign(new Error(`pop: errno ${errno}`), { errno });
  return value;
}

for (const type of ['queue', 'stack'] as const) {
  test(`kernel differential: ${type} push/peek/pop`, { skip }, () => {
    const op = fc.oneof(
      fc.record({ op: fc.constant('push' as const), value: fc.nat(), flags: fc.constantFrom(0, 1, 2, 3) }),
      fc.record({ op: fc.constant('peek' as const) }),
      fc.record({ op: fc.constant('pop' as const) }),
    );
    fc.assert(fc.property(fc.array(op, { maxLength: 60 }), (ops) => {
      const ours = createMap(new Arena(), { type, keySize: 0, valueSize: 4, maxEntries: 5 });
      const kernel = KernelMap.create({ type: kernelType(type), keySize: 0, valueSize: 4, maxEntries: 5, name: 'tsbpf_diff' });
      const none = new Uint8Array(0);
      try {
        ops.forEach((o, i) => {
          const run = (side: BpfMap | KernelMap): string =>
            o.op === 'push' ? outcome(() => side.update(none, bytesFrom(o.value, 4), o.flags))
              : o.op === 'peek' ? outcome(() => side.lookup(none))
                : outcome(() => (side instanceof KernelMap ? kernelPop(side) : (ours as unknown as { pop(): Uint8Array | undefined }).pop()));
          assert.equal(run(ours), run(kernel), `op ${i}: ${JSON.stringify(o)}`);
        });
      } finally {
        kernel.close();
      }
    }), { numRuns: RUNS });
  });
}

for (const outer of ['array_of_maps', 'hash_of_maps'] as const) {
  test(`kernel differential: ${outer} with inner maps named by fd/id`, { skip }, () => {
    const innerDef = { type: 'array' as const, keySize: 4, valueSize: 4, maxEntries: 2 };
    const arena = new Arena();
    const oursInner = [0, 1, 2].map(() => createMap(arena, innerDef));
    const kernelInner = [0, 1, 2].map(() => KernelMap.create({ ...innerDef, type: 'BPF_MAP_TYPE_ARRAY', name: 'tsbpf_inner' }));
    const wrong = KernelMap.create({ type: 'BPF_MAP_TYPE_ARRAY', keySize: 4, valueSize: 4, maxEntries: 3, name: 'tsbpf_inner' });
    const oursWrong = createMap(arena, { ...innerDef, maxEntries: 3 });
    const kernelIds = kernelInner.map((m) => m.info().id);
    try {
      const op = fc.oneof(
        fc.record({ op: fc.constant('update' as const), key: fc.nat(4), inner: fc.nat(3), flags: fc.constantFrom(0, 1, 2) }),
        fc.record({ op: fc.constant('delete' as const), key: fc.nat(4) }),
        fc.record({ op: fc.constant('lookup' as const), key: fc.nat(4) }),
      );
      fc.assert(fc.property(fc.array(op, { maxLength: 40 }), (ops) => {
        const ours = createMap(arena, { type: outer, keySize: 4, valueSize: 4, maxEntries: 3, innerMap: innerDef });
        const kernel = KernelMap.create({ type: kernelType(outer), keySize: 4, valueSize: 4, maxEntries: 3, innerMapFd: kernelInner[0].fd, flags: outer === 'hash_of_maps' ? BPF_F_ZERO_SEED : 0, name: 'tsbpf_outer' });
        try {
          // Inner map 3 is one of the wrong size; lookups report which inner map (by index) a slot holds.
          const oursValue = (i: number): Uint8Array => u32(i === 3 ? oursWrong.id : oursInner[i].id);
          const kernelValue = (i: number): Uint8Array => u32(i === 3 ? wrong.fd : kernelInner[i].fd);
          const index = (ids: number[], v: Uint8Array | undefined): string => (v ? `inner ${ids.indexOf(new DataView(v.buffer).getUint32(0, true))}` : 'none');
          ops.forEach((o, i) => {
            const key = u32(o.key);
            const got = [
              o.op === 'update' ? outcome(() => ours.update(key, oursValue(o.inner), o.flags))
                : o.op === 'delete' ? outcome(() => ours.delete(key)) : index(oursInner.map((m) => m.id), ours.lookup(key)),
              o.op === 'update' ? outcome(() => kernel.update(key, kernelValue(o.inner), o.flags))
                : o.op === 'delete' ? outcome(() => kernel.delete(key)) : index(kernelIds, kernel.lookup(key)),
            ];
            assert.equal(got[0], got[1], `op ${i}: ${JSON.stringify(o)}`);
          });
        } finally {
          kernel.close();
          ours.close();
        }
      }), { numRuns: RUNS });
    } finally {
      for (const m of [...kernelInner, wrong]) m.close();
    }
  });
}
