// Differential test: random programs the kernel's verifier accepts run in the
// interpreter and in the kernel (BPF_PROG_TEST_RUN); r0 and the whole memory
// (which holds r0..r8 and the stack at exit) must be equal.
// TSBPF_DIFF_RUNS / TSBPF_DIFF_SEED override the count and seed;
// scripts/fuzz-differential.ts runs larger counts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { assemble } from '../../src/isa/asm/index.js';
import { runInKernel } from '../../src/kernel/index.js';
import { compareWithKernel, disagreement, runInInterpreter } from '../support/differential.js';
import { kernelSkipReason } from '../support/kernel.js';
import { formatProgram, MEM_SIZE, randomProgram } from '../support/random-program.js';

const RUNS = Number(process.env.TSBPF_DIFF_RUNS ?? 15_000);
const skip = kernelSkipReason();

test(`interpreter and kernel agree on ${RUNS} random programs`, { skip, timeout: 300_000 }, () => {
  fc.assert(
    fc.property(randomProgram(), (program) => {
      const { diff } = compareWithKernel(program.insns, program.mem);
      if (diff) throw new Error(`${diff}\ninput: ${Buffer.from(program.mem.subarray(0, 64)).toString('hex')}\n${formatProgram(program.insns)}`);
    }),
    { numRuns: RUNS, seed: process.env.TSBPF_DIFF_SEED ? Number(process.env.TSBPF_DIFF_SEED) : undefined },
  );
});

test('disagreement() reports r0 and every differing byte', () => {
  const mem = new Uint8Array(MEM_SIZE);
  assert.equal(disagreement({ r0: 1n, mem }, { r0: 1n, mem: mem.slice() }), null);
  const other = mem.slice();
  other[200] = 7;
  assert.match(disagreement({ r0: 1n, mem }, { r0: 2n, mem: other }) ?? '', /r0: interpreter 0x1, kernel 0x2; mem\[200\]: interpreter 0x00, kernel 0x07/);
});

/** The reproducers of KERNEL_BUGS.md: each block's last line says what the ISA gives (`ISA: N`). */
function kernelBugReproducers(): Array<{ text: string; expected: bigint }> {
  const md = readFileSync(new URL('./KERNEL_BUGS.md', import.meta.url), 'utf8');
  return [...md.matchAll(/```\n([\s\S]*?)```/g)].map(([, block]) => {
    const isa = /ISA: (0x[0-9a-f]+|\d+)/.exec(block);
    if (!isa) throw new Error(`KERNEL_BUGS.md: a reproducer without "ISA: N":\n${block}`);
    return { text: block.replace(/;.*$/gm, ''), expected: BigInt(isa[1]) };
  });
}

test('the interpreter gives the instruction set\'s answer on the kernel-bug reproducers', (t) => {
  const cases = kernelBugReproducers();
  assert.equal(cases.length, 2);
  for (const { text, expected } of cases) {
    const mem = new Uint8Array(8);
    mem[0] = 2;
    const insns = assemble(text);
    assert.equal(runInInterpreter(insns, mem).r0, expected, text);
    if (!skip) {
      const kernel = runInKernel(insns, mem).r0;
      t.diagnostic(`kernel gives 0x${kernel.toString(16)} where the ISA gives 0x${expected.toString(16)}${kernel === expected ? ' (fixed in this kernel)' : ''}`);
    }
  }
});
