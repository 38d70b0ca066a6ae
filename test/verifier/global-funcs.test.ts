// Global functions (test/verifier/fixtures/global_funcs.c): verified on
// their own for any arguments their BTF prototype allows, their calls
// checked against it. The expectations are what Linux 6.18 says of each
// program; where bpf() is allowed, the kernel is asked again.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadObjectSpec } from '../../src/elf/index.js';
import { KernelObject } from '../../src/kernel/object/index.js';
import { verifyProgramSpec } from '../../src/verifier/index.js';
import { kernelSkipReason } from '../support/kernel.js';
import { errorBlock } from '../../src/kernel/verifier-log.js';

const object = new URL('./fixtures/global_funcs.o', import.meta.url).pathname;

interface Expected {
  readonly verdict: 'accept' | 'reject';
  readonly lines?: readonly string[];
  readonly insn?: number;
  readonly processed: number;
}

const EXPECTED: Record<string, Expected> = {
  accepted: { verdict: 'accept', processed: 26 },
  unchecked_pointer: { verdict: 'reject', lines: ["R1 invalid mem access 'mem_or_null'"], insn: 8, processed: 8 },
  past_the_pointee: {
    verdict: 'reject', insn: 10, processed: 10,
    lines: ['invalid access to memory, mem_size=4 off=4 size=4', 'R1 min value is outside of the allowed memory range'],
  },
  void_global: {
    verdict: 'reject', insn: 1, processed: 2,
    lines: ["Global function nothing() doesn't return scalar. Only those are supported.", "Caller passes invalid args into func#1 ('nothing')"],
  },
  result_unknown: { verdict: 'reject', lines: ['invalid unbounded variable-offset read from stack R2'], insn: 9, processed: 10 },
};

test('global functions: verdicts, refusals and instruction counts as Linux 6.18 gives them', () => {
  const spec = loadObjectSpec(object);
  assert.deepEqual(spec.programs.map((p) => p.name).sort(), Object.keys(EXPECTED).sort());
  for (const program of spec.programs) {
    const want = EXPECTED[program.name];
    const got = verifyProgramSpec(program, spec, { logLevel: 1 });
    assert.equal(got.verdict, want.verdict, `${program.name}: ${got.error}`);
    assert.equal(got.processed, want.processed, program.name);
    if (want.verdict === 'reject') {
      assert.deepEqual(got.errorLines, want.lines, program.name);
      assert.equal(got.insn, want.insn, program.name);
    }
  }
});

test('global functions: the kernel agrees, program by program', { skip: kernelSkipReason() }, () => {
  const spec = loadObjectSpec(object);
  for (const program of spec.programs) {
    const want = EXPECTED[program.name];
    let lines: string[] = [];
    let verdict: 'accept' | 'reject' = 'accept';
    try {
      KernelObject.load({ ...spec, programs: [program] }, { logLevel: 1 }).close();
    } catch (err) {
      verdict = 'reject';
      lines = errorBlock((err as { log?: string }).log ?? String(err));
    }
    assert.equal(verdict, want.verdict, program.name);
    if (verdict === 'reject') assert.deepEqual(lines, want.lines, program.name);
  }
});
