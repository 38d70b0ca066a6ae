// Global functions with hidden visibility (test/verifier/fixtures/hidden_funcs.c,
// the shape of usdt.bpf.h's bpf_usdt_arg): the loader gives them static BTF
// linkage as libbpf does, so they are verified in their caller's context;
// a visible global function is still verified on its own. Where bpf() is
// allowed, the kernel judges the same programs loaded the same way.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadObjectSpec } from '../../src/elf/index.js';
import { BTF_FUNC_GLOBAL, BTF_FUNC_STATIC } from '../../src/btf/kinds.js';
import { KernelObject } from '../../src/kernel/object/index.js';
import { verifyProgramSpec } from '../../src/verifier/index.js';
import { kernelSkipReason } from '../support/kernel.js';
import { errorBlock } from '../../src/kernel/verifier-log.js';

const object = new URL('./fixtures/hidden_funcs.o', import.meta.url).pathname;

const EXPECTED: Record<string, { verdict: 'accept' | 'reject'; error?: string; processed: number }> = {
  calls_hidden: { verdict: 'accept', processed: 24 },
  calls_global: { verdict: 'reject', error: "R2 invalid mem access 'mem_or_null'", processed: 9 },
};

test('hidden global functions get static BTF linkage, visible ones keep global', () => {
  const spec = loadObjectSpec(object);
  const linkage = (name: string): number | undefined => {
    const f = spec.btf?.find(name, 'func');
    return f?.kind === 'func' ? f.linkage : undefined;
  };
  assert.equal(linkage('fill_hidden'), BTF_FUNC_STATIC);
  assert.equal(linkage('fill_weak_hidden'), BTF_FUNC_STATIC);
  assert.equal(linkage('fill_global'), BTF_FUNC_GLOBAL);
});

test('a hidden function is verified in its caller\'s context, a global one for any caller', () => {
  const spec = loadObjectSpec(object);
  for (const program of spec.programs) {
    const want = EXPECTED[program.name];
    const got = verifyProgramSpec(program, spec, { logLevel: 1 });
    assert.equal(got.verdict, want.verdict, `${program.name}: ${got.error}`);
    assert.equal(got.processed, want.processed, program.name);
    if (want.error !== undefined) assert.equal(got.errorLines?.[0], want.error, program.name);
  }
});

test('the kernel agrees, program by program', { skip: kernelSkipReason() }, () => {
  const spec = loadObjectSpec(object);
  for (const program of spec.programs) {
    const want = EXPECTED[program.name];
    let verdict: 'accept' | 'reject' = 'accept';
    let lines: string[] = [];
    try {
      KernelObject.load({ ...spec, programs: [program] }, { logLevel: 1 }).close();
    } catch (err) {
      verdict = 'reject';
      lines = errorBlock((err as { log?: string }).log ?? '');
    }
    assert.equal(verdict, want.verdict, `${program.name}: ${lines.join(' / ')}`);
    if (want.error !== undefined) assert.equal(lines[0], want.error, program.name);
  }
});
