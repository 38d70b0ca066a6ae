// The JIT's inlined bpf_map_lookup_elem (array, percpu_array and the hash
// family) against the helper call (the same JIT without inliners) and the
// interpreter (the reference): the same r0 for random keys and indices, in
// range or not, on every CPU (a CPU the map does not have: the same error),
// the same LRU reference bits, and no helper call left on the fast paths.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { newHelperContext, type HelperFn } from '../../src/engine/abi.js';
import type { Executable } from '../../src/engine/executable.js';
import { createInterpreter } from '../../src/engine/interpreter/index.js';
import { createJit, mapInliners, MAX_INLINE_KEY } from '../../src/engine/jit/index.js';
import { HELPER_TABLE } from '../../src/helpers/table.js';
import { BPF_FUNC } from '../../src/helpers/ids.js';
import { ldImm64, type Instruction } from '../../src/isa/instruction.js';
import { createMap } from '../../src/maps/create-map.js';
import type { BpfMap } from '../../src/maps/bpf-map.js';
import { HashMapBase } from '../../src/maps/hash-map-base.js';
import { ELEM_REF } from '../../src/maps/hash-table.js';
import { mapRegistry } from '../../src/maps/registry.js';
import { Arena } from '../../src/memory/arena.js';

const CPUS = 3;
/** Property runs (TSBPF_INLINE_SCALE multiplies them: scripts/fuzz-jit-inline.ts). */
const SCALE = Number(process.env.TSBPF_INLINE_SCALE ?? 1);
const RUNS = 400 * SCALE;

const insn = (opcode: number, dst: number, src: number, off: number, imm: number): Instruction => ({ opcode, dst, src, off, imm });

/** r2 = r1 (the key in memory); r1 = map; call map_lookup_elem; exit with r0 (the value pointer or NULL). */
function lookupProgram(map: BpfMap): Instruction[] {
  return [insn(0xbf, 2, 1, 0, 0), ...ldImm64(1, map.pointer), insn(0x85, 0, 0, 0, BPF_FUNC.map_lookup_elem), insn(0x95, 0, 0, 0, 0)];
}

interface Engines {
  readonly interp: Executable;
  readonly inlined: Executable;
  readonly called: Executable;
  /** Helper calls the inlined executable made. */
  calls: number;
}

function setup(arena: Arena, map: BpfMap): Engines {
  const insns = lookupProgram(map);
  const engines = { calls: 0 } as { calls: number } & Partial<Engines>;
  const lookup = HELPER_TABLE.get(BPF_FUNC.map_lookup_elem) as HelperFn;
  const counting = new Map(HELPER_TABLE);
  counting.set(BPF_FUNC.map_lookup_elem, (env, ...args) => {
    engines.calls++;
    return lookup(env, ...args);
  });
  return Object.assign(engines, {
    interp: createInterpreter({ insns }, { arena, helpers: HELPER_TABLE }),
    inlined: createJit({ insns }, { arena, helpers: counting, checked: false, inliners: mapInliners(mapRegistry(arena)) }),
    called: createJit({ insns }, { arena, helpers: HELPER_TABLE, checked: false }),
  }) as Engines;
}

/** r0 or the error's class and message, with the key at `keyAt`, on `cpu`. */
function outcome(exe: Executable, arena: Arena, keyAt: number, cpu: number): string {
  const env = Object.assign(newHelperContext(arena), { cpu });
  try {
    return `0x${BigInt.asUintN(64, exe.run([arena.pointer(keyAt)], env)).toString(16)}`;
  } catch (err) {
    return `${(err as Error).constructor.name}: ${(err as Error).message}`;
  }
}

function newArena(): Arena {
  const arena = new Arena();
  mapRegistry(arena).nCpus = CPUS;
  return arena;
}

/** A key buffer the program reads (a region, for the interpreter's checks). */
function keyBuffer(arena: Arena, size: number): number {
  const at = arena.alloc(Math.max(8, size));
  arena.addRegion(at, size, 'mem', 'key');
  return at;
}

test('array and percpu_array lookups: inlined = helper call = interpreter on random indices and CPUs', () => {
  for (const [type, valueSize, maxEntries] of [['array', 12, 10], ['array', 8, 1], ['percpu_array', 8, 7], ['percpu_array', 20, 3]] as const) {
    const arena = newArena();
    const map = createMap(arena, { type, keySize: 4, valueSize, maxEntries, name: type });
    const e = setup(arena, map);
    const keyAt = keyBuffer(arena, 4);
    const index = fc.oneof(fc.integer({ min: 0, max: maxEntries + 2 }), fc.constantFrom(maxEntries - 1, maxEntries, 0x7fffffff, 0x80000000, 0xffffffff), fc.nat().map((n) => n >>> 0));
    fc.assert(fc.property(index, fc.integer({ min: 0, max: CPUS }), (i, cpu) => {
      arena.view.setUint32(keyAt, i >>> 0, true);
      const want = outcome(e.interp, arena, keyAt, cpu);
      assert.equal(outcome(e.inlined, arena, keyAt, cpu), want, `${type} index ${i} cpu ${cpu}`);
      assert.equal(outcome(e.called, arena, keyAt, cpu), want);
      if (i < maxEntries) assert.notEqual(want, '0x0');
    }), { numRuns: RUNS });
    // Only runs on a CPU the per-CPU map does not have went to the helper (which reports it).
    if (type === 'array') assert.equal(e.calls, 0);
  }
});

/** Key sizes around every tail length of jhash (1..12 bytes after the 12-byte rounds), and long keys. */
const KEY_SIZES = [1, 2, 3, 4, 5, 6, 7, 8, 11, 12, 13, 16, 20, 24, 25, 36, 40, 64, MAX_INLINE_KEY];

test('hash family lookups: inlined walk = helper call = interpreter on present, absent and colliding keys', () => {
  for (const type of ['hash', 'lru_hash', 'percpu_hash', 'lru_percpu_hash'] as const) {
    for (const keySize of KEY_SIZES) {
      const arena = newArena();
      // Few buckets for many keys: chains of several elements.
      const map = createMap(arena, { type, keySize, valueSize: 8, maxEntries: 16, name: `${type}_${keySize}` }) as HashMapBase;
      const present: Uint8Array[] = [];
      fc.sample(fc.uint8Array({ minLength: keySize, maxLength: keySize }), { numRuns: 12, seed: keySize }).forEach((key, i) => {
        map.update(key, map.perCpu ? new Uint8Array(8 * CPUS).fill(i + 1) : new Uint8Array(8).fill(i + 1));
        present.push(key);
      });
      const e = setup(arena, map);
      const keyAt = keyBuffer(arena, keySize);
      const refBits = (): number[] => map.table.elements().map((el) => arena.bytes[el + ELEM_REF]);
      const clearRefBits = (): void => map.table.elements().forEach((el) => { arena.bytes[el + ELEM_REF] = 0; });
      const key = fc.oneof(fc.constantFrom(...present), fc.uint8Array({ minLength: keySize, maxLength: keySize }),
        // one byte off a present key: same bucket sometimes, always a different key
        fc.tuple(fc.constantFrom(...present), fc.nat(keySize - 1)).map(([k, at]) => { const c = Uint8Array.from(k); c[at] ^= 1; return c; }));
      fc.assert(fc.property(key, fc.integer({ min: 0, max: CPUS }), (k, cpu) => {
        arena.bytes.set(k, keyAt);
        clearRefBits();
        const want = outcome(e.interp, arena, keyAt, cpu);
        const wantBits = refBits();
        clearRefBits();
        assert.equal(outcome(e.inlined, arena, keyAt, cpu), want, `${type} key_size ${keySize} cpu ${cpu}`);
        assert.deepEqual(refBits(), wantBits);
        assert.equal(outcome(e.called, arena, keyAt, cpu), want);
      }), { numRuns: (keySize === MAX_INLINE_KEY ? 40 : 60) * SCALE });
      if (!map.perCpu) assert.equal(e.calls, 0, `${type} key_size ${keySize}: the lookup was not inlined`);
      // Present keys were found through the inlined walk.
      arena.bytes.set(present[0], keyAt);
      assert.notEqual(outcome(e.inlined, arena, keyAt, 0), '0x0');
    }
  }
});

test('lookups with no WebAssembly walk (maps of maps, long keys) take the host call; checked code and unknown maps the helper', () => {
  const arena = newArena();
  const registry = mapRegistry(arena);
  const long = createMap(arena, { type: 'hash', keySize: MAX_INLINE_KEY + 4, valueSize: 8, maxEntries: 4, name: 'long' });
  const inner = createMap(arena, { type: 'array', keySize: 4, valueSize: 8, maxEntries: 1, name: 'inner' });
  const outer = createMap(arena, { type: 'hash_of_maps', keySize: 4, valueSize: 4, maxEntries: 4, name: 'outer', innerMap: { type: 'array', keySize: 4, valueSize: 8, maxEntries: 1 } });
  outer.update(new Uint8Array(4), new Uint8Array(new Uint32Array([inner.id]).buffer));
  long.update(new Uint8Array(MAX_INLINE_KEY + 4).fill(7), new Uint8Array(8).fill(1));
  const lookup = HELPER_TABLE.get(BPF_FUNC.map_lookup_elem) as HelperFn;
  for (const [map, checked, key] of [[long, false, 7], [long, false, 8], [outer, false, 0], [outer, false, 1], [inner, true, 0]] as const) {
    const keyAt = keyBuffer(arena, map.keySize);
    arena.bytes.fill(key, keyAt, keyAt + map.keySize);
    let calls = 0;
    const helpers = new Map(HELPER_TABLE).set(BPF_FUNC.map_lookup_elem, (env, ...args) => { calls++; return lookup(env, ...args); });
    const insns = lookupProgram(map);
    const exe = createJit({ insns }, { arena, helpers, checked, inliners: mapInliners(registry) });
    const want = outcome(createInterpreter({ insns }, { arena, helpers: HELPER_TABLE }), arena, keyAt, 0);
    assert.equal(outcome(exe, arena, keyAt, 0), want, `${map.name} key ${key}`);
    assert.equal(calls, checked ? 1 : 0, `${map.name}: ${checked ? 'expected the helper call' : 'expected the host call'}`);
  }
  // r1 comes from another block: not a known constant at the call.
  const keyAt = keyBuffer(arena, 4);
  const insns = [insn(0xbf, 2, 1, 0, 0), ...ldImm64(1, inner.pointer), insn(0x05, 0, 0, 0, 0), insn(0x85, 0, 0, 0, BPF_FUNC.map_lookup_elem), insn(0x95, 0, 0, 0, 0)];
  let calls = 0;
  const helpers = new Map(HELPER_TABLE).set(BPF_FUNC.map_lookup_elem, (env, ...args) => { calls++; return lookup(env, ...args); });
  const exe = createJit({ insns }, { arena, helpers, checked: false, inliners: mapInliners(registry) });
  assert.notEqual(outcome(exe, arena, keyAt, 0), '0x0');
  assert.equal(calls, 1);
});
