// Profilers' stack helpers load and run in the VM: a stack_trace map with
// the kernel's definition checks, bpf_get_stackid() and bpf_get_stack() with
// the kernel's argument checks (-EINVAL, the buffer zeroed), compared live.
// The VM has no call chain to record, so a valid request is -EFAULT there
// (the kernel's answer when it cannot fetch a trace) where the kernel gives
// a trace: README, "Known differences".
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadObject, type BackendName } from '../../src/object/index.js';
import { Arena } from '../../src/memory/arena.js';
import { createMap, MapDefinitionError, type MapDefinition } from '../../src/maps/index.js';
import { KernelMap } from '../../src/kernel/index.js';
import { kernelSkipReason } from '../support/kernel.js';
import { objectFixture } from '../support/object-backends.js';

const object = objectFixture('stack_traces');
const skip = kernelSkipReason();
const EINVAL = 22;
const EFAULT = 14;
const BPF_F_USER_STACK = 1n << 8n;
const BPF_F_USER_BUILD_ID = 1n << 11n;
const BAD_FLAG = 1n << 12n;

const args = (...words: bigint[]): Uint8Array => new Uint8Array(new BigUint64Array(words).buffer);

interface Outcome { stackid: bigint; stack: bigint; firstWord: bigint; traces: number }

async function run(backend: BackendName, ctx: Uint8Array, engine?: 'interp'): Promise<Outcome> {
  const obj = await loadObject(object, { backend, ...(engine ? { engine } : {}) });
  try {
    assert.equal(obj.programs.trace_stacks.testRun({ ctxIn: ctx }).retval, 0);
    const g = obj.globals;
    return { stackid: g.stackid_ret as bigint, stack: g.stack_ret as bigint, firstWord: g.first_word as bigint, traces: obj.maps.stacks.keys().length };
  } finally {
    obj.close();
  }
}

// [stackid flags, get_stack flags, odd size]: requests both sides refuse the same way.
const REFUSED: ReadonlyArray<[string, Uint8Array, Outcome]> = [
  ['unknown flags', args(BAD_FLAG, BAD_FLAG, 0n), { stackid: -BigInt(EINVAL), stack: -BigInt(EINVAL), firstWord: 0n, traces: 0 }],
  ['a build id without the user stack', args(BAD_FLAG, BPF_F_USER_BUILD_ID, 0n), { stackid: -BigInt(EINVAL), stack: -BigInt(EINVAL), firstWord: 0n, traces: 0 }],
  ['a size that is not whole frames', args(BAD_FLAG, BPF_F_USER_STACK, 1n), { stackid: -BigInt(EINVAL), stack: -BigInt(EINVAL), firstWord: 0n, traces: 0 }],
];

for (const engine of [undefined, 'interp'] as const) {
  test(`the VM (${engine ?? 'jit'}) checks the helpers' arguments as the kernel does, and has no trace to give`, async () => {
    for (const [what, ctx, expected] of REFUSED) assert.deepEqual(await run('vm', ctx, engine), expected, what);
    assert.deepEqual(await run('vm', args(0n, 0n, 0n), engine), { stackid: -BigInt(EFAULT), stack: -BigInt(EFAULT), firstWord: 0n, traces: 0 });
  });
}

test('the kernel refuses the same requests, and gives a trace for a valid one', { skip }, async () => {
  for (const [what, ctx, expected] of REFUSED) assert.deepEqual(await run('kernel', ctx), expected, what);
  const valid = await run('kernel', args(0n, 0n, 0n));
  assert.ok(valid.stackid >= 0n && valid.stack > 0n && valid.traces === 1, JSON.stringify(valid, (_, v) => (typeof v === 'bigint' ? String(v) : v)));
});

const DEFINITIONS: ReadonlyArray<[string, Partial<MapDefinition>]> = [
  ['a valid one', {}],
  ['value_size not a multiple of 8', { valueSize: 12 }],
  ['more frames than perf_event_max_stack', { valueSize: 128 * 8 }],
  ['key_size 8', { keySize: 8 }],
  ['max_entries 0', { maxEntries: 0 }],
  ['BPF_F_STACK_BUILD_ID with 32-byte frames', { flags: 32, valueSize: 4 * 32 }],
  ['BPF_F_STACK_BUILD_ID with 8-byte frames', { flags: 32, valueSize: 8 * 3 }],
  ['BPF_F_NO_PREALLOC', { flags: 1 }],
];

const errnoOfCreate = (create: () => { close?(): void }): number => {
  try {
    create().close?.();
    return 0;
  } catch (e) {
    return (e as { errno: number }).errno;
  }
};

test('stack_trace map definitions: the VM takes and refuses what the kernel does', { skip }, () => {
  for (const [what, change] of DEFINITIONS) {
    const def: MapDefinition = { type: 'stack_trace', keySize: 4, valueSize: 16 * 8, maxEntries: 64, ...change };
    const vm = errnoOfCreate(() => createMap(new Arena(), def));
    const kernel = errnoOfCreate(() => KernelMap.create({ type: 7, keySize: def.keySize, valueSize: def.valueSize, maxEntries: def.maxEntries, flags: def.flags ?? 0 }));
    assert.equal(vm, kernel, what);
  }
});

test('an empty stack_trace map through bpf(): lookups and next key ENOENT, updates EINVAL, deletes ENOENT or E2BIG', () => {
  const map = createMap(new Arena(), { type: 'stack_trace', keySize: 4, valueSize: 16, maxEntries: 5 });
  const key = (n: number): Uint8Array => new Uint8Array(new Uint32Array([n]).buffer);
  assert.equal(map.lookup(key(0)), undefined);
  assert.equal(map.nextKey(undefined), undefined);
  assert.throws(() => map.update(key(0), new Uint8Array(16)), (e: unknown) => (e as { errno: number }).errno === EINVAL);
  assert.equal(map.delete(key(7)), false, 'id 7 is below roundup_pow_of_two(5)');
  assert.throws(() => map.delete(key(8)), /E2BIG/);
  assert.throws(() => createMap(new Arena(), { type: 'stack_trace', keySize: 4, valueSize: 12, maxEntries: 5 }), MapDefinitionError);
});
