// Objects of test/object/fixtures loaded on a backend (and, in the VM, an
// engine): the tests that run one object in the kernel, the JIT and the
// interpreter and compare them.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { loadObject, type BackendName, type BpfObject } from '../../src/object/index.js';

/** The object test fixture `name` (test/object/fixtures/<name>.o). */
export const objectFixture = (name: string): string => join(import.meta.dirname, '..', 'object', 'fixtures', `${name}.o`);

/** Loads `path` on `backend`; `engine` picks the VM's interpreter instead of its JIT. */
export function openOn(path: string, backend: BackendName, engine?: 'interp'): Promise<BpfObject> {
  return loadObject(path, { backend, ...(engine ? { engine } : {}) });
}

/** Runs `fn` with `path` loaded in the kernel, in the VM's JIT and in its interpreter; closes all three after. */
export async function withKernelJitInterp<T>(path: string, fn: (kernel: BpfObject, jit: BpfObject, interp: BpfObject) => T): Promise<T> {
  const kernel = await openOn(path, 'kernel');
  const jit = await openOn(path, 'vm');
  const interp = await openOn(path, 'vm', 'interp');
  try {
    return fn(kernel, jit, interp);
  } finally {
    for (const o of [kernel, jit, interp]) o.close();
  }
}

/**
 * Asserts that `read` gives `expected` on `path` in the VM's JIT and in its
 * interpreter and, unless `kernelSkip` says why not, the same in the kernel.
 */
export async function assertVmAsKernel<T>(path: string, read: (obj: BpfObject) => T, expected: T, kernelSkip: string | undefined): Promise<void> {
  const vm = [await openOn(path, 'vm'), await openOn(path, 'vm', 'interp')];
  try {
    for (const o of vm) assert.deepEqual(read(o), expected);
    if (kernelSkip !== undefined) return;
    const kernel = await openOn(path, 'kernel');
    try {
      assert.deepEqual(read(kernel), read(vm[0]));
    } finally {
      kernel.close();
    }
  } finally {
    for (const o of vm) o.close();
  }
}
