// Pruning in a loop with a data-dependent stride (test/verifier/fixtures/
// ipv4_options.c): the number of instructions processed shows whether the
// verifier keeps, evicts and searches its checkpoints as the kernel does.
// The expectations are what Linux 6.18 says of each program; where bpf() is
// allowed, the kernel is asked again.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadObjectSpec } from '../../src/elf/index.js';
import { KernelObject } from '../../src/kernel/object/index.js';
import { verifyProgramSpec } from '../../src/verifier/index.js';
import { kernelSkipReason } from '../support/kernel.js';

const object = new URL('./fixtures/ipv4_options.o', import.meta.url).pathname;

/** Instructions processed by Linux 6.18 (both programs are accepted). */
const EXPECTED: Record<string, number> = {
  ipv4_opts10: 15_554,
  ipv4_opts16: 430_159,
};

test('IPv4 options parser: accepted after as many instructions as Linux 6.18 processes', () => {
  const spec = loadObjectSpec(object);
  assert.deepEqual(spec.programs.map((p) => p.name).sort(), Object.keys(EXPECTED).sort());
  for (const program of spec.programs) {
    const got = verifyProgramSpec(program, spec, { logLevel: 0 });
    assert.equal(got.verdict, 'accept', `${program.name}: ${got.error}`);
    assert.equal(got.processed, EXPECTED[program.name], program.name);
  }
});

test('IPv4 options parser: the kernel agrees, program by program', { skip: kernelSkipReason() }, () => {
  const spec = loadObjectSpec(object);
  for (const program of spec.programs) {
    const loaded = KernelObject.load({ ...spec, programs: [program] }, { logLevel: 1 });
    try {
      const log = loaded.programs.get(program.name)!.program.log;
      const processed = Number(/processed (\d+) insns/.exec(log)?.[1]);
      assert.equal(processed, EXPECTED[program.name], program.name);
    } finally {
      loaded.close();
    }
  }
});
