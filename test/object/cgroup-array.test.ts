// Tracing tools declare a cgroup_array for an optional cgroup filter (bcc's
// filter_cg): the object must load in the VM as in the kernel, and the
// *_under_cgroup helpers must answer as the kernel does for the VM's empty
// slots (-EAGAIN) and for an index past max_entries (-E2BIG).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadObject, type BackendName } from '../../src/object/index.js';
import { createMap } from '../../src/maps/index.js';
import { Arena } from '../../src/memory/arena.js';
import { kernelSkipReason } from '../support/kernel.js';
import { objectFixture } from '../support/object-backends.js';

const object = objectFixture('cgroup_filter');
const EAGAIN = 11;
const E2BIG = 7;
const frame = (odd: number): Uint8Array => { const f = new Uint8Array(60 + odd); f[12] = 0x08; return f; };
const s32 = (r: bigint | number): number => Number(BigInt.asIntN(32, BigInt(r)));

interface Outcome { counts: [bigint, bigint]; task: number[]; skb: number[] }

async function run(backend: BackendName, engine?: 'interp'): Promise<Outcome> {
  const counts: bigint[] = [];
  for (const filter_cg of [0, 1]) {
    const obj = await loadObject(object, { backend, ...(engine ? { engine } : {}), globals: { filter_cg } });
    try {
      obj.programs.count_enter.testRun({ ctxIn: new Uint8Array(16) });
      counts.push(...obj.maps.seen.entries().map(([, v]) => v as bigint));
    } finally {
      obj.close();
    }
  }
  const obj = await loadObject(object, { backend, ...(engine ? { engine } : {}) });
  try {
    return {
      counts: [counts[0] + counts[2], counts[1] + counts[3]],
      task: [0, 1].map((b) => s32(obj.programs.task_in_cgroup.testRun({ dataIn: frame(b) }).retval)),
      skb: [0, 1].map((b) => s32(obj.programs.skb_in_cgroup.testRun({ dataIn: frame(b) }).retval)),
    };
  } finally {
    obj.close();
  }
}

// Without a filter the event counts in slot 0; with it, the empty slot (-EAGAIN: not under the cgroup) counts it in slot 1.
const expected: Outcome = { counts: [1n, 1n], task: [-EAGAIN, -E2BIG], skb: [-EAGAIN, -E2BIG] };

for (const engine of [undefined, 'interp'] as const) {
  test(`a cgroup_array object loads and runs in the VM (${engine ?? 'jit'})`, async () => {
    assert.deepEqual(await run('vm', engine), expected);
  });
}

test('the kernel gives the same answers', { skip: kernelSkipReason() }, async () => {
  assert.deepEqual(await run('kernel'), expected);
});

test('a cgroup_array takes no cgroup in the VM, and bpf() lookups are ENOTSUPP', () => {
  const map = createMap(new Arena(), { type: 'cgroup_array', keySize: 4, valueSize: 4, maxEntries: 2 });
  const key = new Uint8Array(4);
  assert.throws(() => map.update(key, new Uint8Array(4)), /EBADF/);
  assert.throws(() => map.lookup(key), /ENOTSUPP|524/);
  assert.throws(() => createMap(new Arena(), { type: 'cgroup_array', keySize: 4, valueSize: 8, maxEntries: 2 }), /EINVAL/);
});
