// A C fixture whose programs Linux 6.18 accepts after a known number of
// processed instructions: tsbpf must give the same count, and, where bpf()
// is allowed, the kernel is asked again (each program loaded on its own).
import assert from 'node:assert/strict';
import { loadObjectSpec } from '../../src/elf/index.js';
import { KernelObject } from '../../src/kernel/object/index.js';
import { verifyProgramSpec } from '../../src/verifier/index.js';

/** Every program of `object` is accepted by tsbpf after `processed[name]` instructions (and the object has no others). */
export function assertAcceptedAfter(object: string, processed: Readonly<Record<string, number>>, logLevel: 0 | 1 = 0): void {
  const spec = loadObjectSpec(object);
  assert.deepEqual(spec.programs.map((p) => p.name).sort(), Object.keys(processed).sort());
  for (const program of spec.programs) {
    const got = verifyProgramSpec(program, spec, { logLevel });
    assert.equal(got.verdict, 'accept', `${program.name}: ${got.error}`);
    assert.equal(got.processed, processed[program.name], program.name);
  }
}

/** The kernel loads every program of `object` after `processed[name]` instructions. */
export function assertKernelAcceptsAfter(object: string, processed: Readonly<Record<string, number>>): void {
  const spec = loadObjectSpec(object);
  for (const program of spec.programs) {
    const loaded = KernelObject.load({ ...spec, programs: [program] }, { logLevel: 1 });
    try {
      const log = loaded.programs.get(program.name)!.program.log;
      assert.equal(Number(/processed (\d+) insns/.exec(log)?.[1]), processed[program.name], program.name);
    } finally {
      loaded.close();
    }
  }
}
