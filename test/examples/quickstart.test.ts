// The README's "From C to TypeScript" walk-through, as written there, on both backends.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadObject } from '../../src/index.js';
import { kernelSkipReason } from '../support/kernel.js';

const OBJECT = 'examples/quickstart/count.bpf.o';

for (const backend of ['vm', 'kernel'] as const) {
  test(`quick start: count packets (${backend})`, { skip: backend === 'kernel' ? kernelSkipReason() : undefined }, async () => {
    const obj = await loadObject(OBJECT, { backend });
    try {
      const frame = new Uint8Array(64);
      for (let i = 0; i < 3; i++) {
        assert.equal((await obj.programs.count.testRun({ dataIn: frame })).retval, 2); // XDP_PASS
      }
      assert.equal(obj.maps.packets.get(0), 3n);
    } finally {
      obj.close();
    }
  });
}
