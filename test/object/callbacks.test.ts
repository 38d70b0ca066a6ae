// bpf_loop and bpf_for_each_map_elem call back into the program through the
// engine, including a callback that runs its own bpf_loop, on both engines,
// verified or not, and the kernel computes the same.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { loadObject, type LoadObjectOptions } from '../../src/object/index.js';
import { kernelSkipReason } from '../support/kernel.js';

const object = join(process.cwd(), 'test', 'object', 'fixtures', 'loop_callbacks.o');
const args = new Uint8Array(8);
args[0] = 4; // the outer loop stops at i = 4

async function check(options: LoadObjectOptions): Promise<void> {
  const obj = await loadObject(object, options);
  try {
    // bpf_loop ran outer() 5 times (the 5th returned 1), for_each visited keys 0..5.
    assert.equal(obj.programs.loops.testRun({ ctxIn: args }).retval, 506);
    assert.equal(obj.globals.total, 0n + 0n + 1n + 3n + 6n, 'the nested loops summed j < i for i = 0..4');
    assert.equal(obj.globals.visited, 6n);
    assert.deepEqual(obj.maps.values.entries(), [[0, 0n], [1, 1n], [2, 2n], [3, 3n], [4, 4n], [5, 5n], [6, 0n], [7, 0n]]);
  } finally {
    obj.close();
  }
}

for (const engine of ['interp', 'jit'] as const) {
  test(`callbacks run through the ${engine} (unverified, checked)`, () => check({ engine, verify: false }));
}
test('callbacks run verified (the verifier accepts nested callbacks, as the kernel does)', () => check({}));

test('the kernel computes the same', { skip: kernelSkipReason() }, () => check({ backend: 'kernel' }));
