// The kernel's max_ctx_offset in test runs: a syscall or raw tracepoint
// program that reads its context up to byte N is refused a shorter ctx_in
// (EINVAL), on the VM as in the kernel, and runs on one that covers the read.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { EINVAL } from '../../src/maps/errno.js';
import { loadObject } from '../../src/object/load-object.js';
import type { BackendName } from '../../src/object/backend.js';
import { kernelSkipReason } from '../support/kernel.js';

const fixture = join(import.meta.dirname, 'fixtures', 'ctx_args.o');
const u64s = (...v: number[]): Uint8Array => new Uint8Array(new BigUint64Array(v.map(BigInt)).buffer);

/** errno of a refused test run, or the return value of a run. */
async function outcomes(backend: BackendName): Promise<Record<string, Array<number | string>>> {
  const o = backend === 'kernel' ? await loadObject(fixture, { backend: 'kernel' }) : await loadObject(fixture);
  try {
    const out: Record<string, Array<number | string>> = {};
    for (const name of ['syscall_third', 'raw_tp_third']) {
      out[name] = [[], [1, 2], [1, 2, 3], [1, 2, 3, 4]].map((args) => {
        try {
          return o.program(name).testRun({ ctxIn: u64s(...args) }).retval;
        } catch (e) {
          return `errno ${(e as { errno?: number }).errno}`;
        }
      });
    }
    return out;
  } finally {
    o.close();
  }
}

const expected = {
  syscall_third: [`errno ${EINVAL}`, `errno ${EINVAL}`, 3, 3],
  raw_tp_third: [`errno ${EINVAL}`, `errno ${EINVAL}`, 3, 3],
};

test('VM: a ctx_in shorter than the program reads is refused with EINVAL', async () => {
  assert.deepEqual(await outcomes('vm'), expected);
});

test('VM: the refusal says how far the program reads', async () => {
  const o = await loadObject(fixture);
  assert.throws(() => o.program('raw_tp_third').testRun({ ctxIn: u64s(1) }), /ctx_in is 8 bytes, but the program reads its arguments up to byte 24 \(EINVAL\)/);
  o.close();
});

test('kernel: the same test runs give the same outcomes', { skip: kernelSkipReason() }, async () => {
  assert.deepEqual(await outcomes('kernel'), expected);
});

test('a syscall program run N times starts each run from the memory given (as N BPF_PROG_TEST_RUN calls), on the VM and in the kernel', async () => {
  const backends: BackendName[] = kernelSkipReason() === undefined ? ['vm', 'kernel'] : ['vm'];
  for (const backend of backends) {
    const o = await loadObject(fixture, { backend });
    try {
      const r = o.program('syscall_bump').testRun({ ctxIn: Uint8Array.of(10, 0, 0, 0), repeat: 3 });
      assert.equal(r.retval, 11, backend);
      assert.deepEqual([...(r.ctxOut ?? [])], [11, 0, 0, 0], backend);
    } finally {
      o.close();
    }
  }
});
