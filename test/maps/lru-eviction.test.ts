// Which keys an LRU map evicts, against the kernel's bpf_lru_list.c: the
// fixture (fixtures/lru_eviction.c) runs a script of updates, lookups and
// deletes from the packet on six LRU maps (common and per-CPU lists, plain
// and per-CPU values). The VM must keep the keys the kernel keeps (the
// expectations below are the kernel's, on 2 CPUs), and random scripts must
// leave the kernel's, the JIT's and the interpreter's maps alike.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import fc from 'fast-check';
import { loadObject, type BpfObject } from '../../src/object/index.js';
import { kernelSkipReason } from '../support/kernel.js';
import { possibleCpus } from '../../src/kernel/cpus.js';
import { hex, readU32 } from './bytes.js';

const skip = kernelSkipReason();
const FIXTURE = join(import.meta.dirname, 'fixtures', 'lru_eviction.o');
const MAPS = ['lru8', 'lru5', 'lru40', 'lru_cpu_lists', 'pcpu_lru6', 'pcpu_lru_lists'] as const;
const SCRIPT_LEN = 64;
/** A lookup of key 31, which no script below inserts: pads a script without changing any map. */
const NOP = 0xbf;
const ANY = (key: number): number => key;
const LOOKUP = (key: number): number => 0xa0 | key;

const script = (ops: readonly number[]): Uint8Array => {
  const out = new Uint8Array(SCRIPT_LEN).fill(NOP);
  out.set(ops);
  return out;
};

/** Keys in iteration order, per map. */
const keysOf = (obj: BpfObject): Record<string, number[]> =>
  Object.fromEntries(MAPS.map((m) => [m, obj.maps[m].raw.keys().map((k) => readU32(k))]));

/** Every map's entries as bytes, in iteration order. */
const contents = (obj: BpfObject): Record<string, string[]> =>
  Object.fromEntries(MAPS.map((m) => [m, obj.maps[m].raw.entries().map(([k, v]) => `${hex(k)}=${hex(v)}`)]));

const run = (obj: BpfObject, packet: Uint8Array): number => obj.programs.lru_script.testRun({ dataIn: packet, cpu: 0 }).retval;

async function onVm(cpus: number, engine?: 'interp'): Promise<BpfObject> {
  return loadObject(FIXTURE, { backend: 'vm', cpus, ...(engine ? { engine } : {}) });
}

test('LRU maps on 2 CPUs evict what the kernel evicts: in batches, per-CPU lists, the active list', async () => {
  for (const engine of [undefined, 'interp'] as const) {
    const obj = await onVm(2, engine);
    try {
      // Keys 0-8: a full lru8 refills its CPU's free list with 8/2/2 = 2 nodes at once, so 0 and 1 both go;
      // the per-CPU lists hold 10/2 = 5 and 8/2 = 4 keys for CPU 0, and refill 4 at a time.
      run(obj, script([0, 1, 2, 3, 4, 5, 6, 7, 8].map(ANY)));
      assert.deepEqual(keysOf(obj), {
        lru8: [4, 7, 2, 8, 6, 5, 3],
        lru5: [4, 7, 8, 6, 5],
        lru40: [2, 8, 3, 7, 1, 4, 5, 0, 6],
        lru_cpu_lists: [4, 5, 7, 8, 6],
        pcpu_lru6: [4, 7, 8, 6, 5, 3],
        pcpu_lru_lists: [8],
      }, `engine ${engine ?? 'jit'}`);
    } finally {
      obj.close();
    }
  }
});

test('LRU maps: a looked-up key survives; the per-CPU lists keep their CPU\'s share', async () => {
  const obj = await onVm(2);
  try {
    run(obj, script([0, 1, 2, 3].map(ANY).concat(LOOKUP(0), [4, 5, 6, 7, 8, 9, 10, 11].map(ANY))));
    assert.deepEqual(keysOf(obj), {
      lru8: [0, 10, 7, 8, 11, 9, 6, 5],
      lru5: [0, 10, 8, 11, 9],
      lru40: [2, 8, 9, 3, 7, 1, 10, 4, 5, 0, 11, 6],
      lru_cpu_lists: [10, 0, 11, 9],
      pcpu_lru6: [0, 10, 7, 8, 11, 9],
      pcpu_lru_lists: [0, 10, 11],
    });
  } finally {
    obj.close();
  }
});

const scriptArb = fc.array(
  fc.record({ op: fc.constantFrom(0, 1, 2, 3, 4, 5, 6, 7), key: fc.nat(31) }).map(({ op, key }) => (op << 5) | key),
  { minLength: SCRIPT_LEN, maxLength: SCRIPT_LEN },
);

test('kernel differential: LRU maps under random scripts (return values and contents, JIT and interpreter)', { skip }, async () => {
  await fc.assert(fc.asyncProperty(fc.array(scriptArb, { minLength: 1, maxLength: 6 }), async (scripts) => {
    const kernel = await loadObject(FIXTURE, { backend: 'kernel' });
    const jit = await loadObject(FIXTURE, { backend: 'vm' });
    const interp = await loadObject(FIXTURE, { backend: 'vm', engine: 'interp' });
    try {
      for (const [i, s] of scripts.entries()) {
        const packet = Uint8Array.from(s);
        const want = run(kernel, packet);
        assert.equal(run(jit, packet), want, `script ${i}: JIT return value`);
        assert.equal(run(interp, packet), want, `script ${i}: interpreter return value`);
      }
      const want = contents(kernel);
      assert.deepEqual(contents(jit), want, 'JIT map contents');
      assert.deepEqual(contents(interp), want, 'interpreter map contents');
    } finally {
      for (const o of [kernel, jit, interp]) o.close();
    }
  }), { numRuns: 8 });
});

test('per-CPU LRU lists: max_entries as the kernel keeps it (rounded to a multiple of the CPUs), on both backends', { skip }, async () => {
  const kernel = await loadObject(FIXTURE, { backend: 'kernel' });
  const vm = await loadObject(FIXTURE, { backend: 'vm' });
  try {
    const cpus = possibleCpus();
    for (const [name, declared] of [['lru_cpu_lists', 9], ['pcpu_lru_lists', 7]] as const) {
      assert.equal(kernel.maps[name].maxEntries, Math.ceil(declared / cpus) * cpus, `${name}: the kernel's`);
      assert.equal(vm.maps[name].maxEntries, kernel.maps[name].maxEntries, `${name}: the VM's`);
    }
  } finally {
    kernel.close();
    vm.close();
  }
});
