// The kernel agrees on generated programs: random programs the kernel
// accepts, mutated, loaded into the kernel (BPF_PROG_TYPE_SYSCALL, sleepable)
// and given to tsbpf's verifier: same verdict, same first line of the refusal.
// Also every fixture program, loaded as libbpf would.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import fc from 'fast-check';
import { loadVmlinuxBtf } from '../../src/btf/vmlinux.js';
import { applyObjectCoreRelocations, loadObjectSpec } from '../../src/elf/index.js';
import { KernelObject } from '../../src/kernel/object/index.js';
import { verify, verifyProgramSpec } from '../../src/verifier/index.js';
import { kernelSkipReason } from '../support/kernel.js';
import { randomProgram } from '../support/random-program.js';
import { kernelVerdict } from './kernel-verdict.js';
import { mutate, mutationArb } from './mutation.js';

const skip = kernelSkipReason();
const RUNS = Number(process.env.TSBPF_VERIFIER_KERNEL_RUNS ?? 200);
const BPF_F_SLEEPABLE = 1 << 4;

/**
 * Programs that loop for more than this many instructions are left out: the
 * kernel can take minutes on some of them (both refuse them at 1,000,000).
 */
const HEAVY = 200_000;

test('generated and mutated programs: tsbpf and the kernel agree', { skip }, () => {
  let agree = 0;
  let rejected = 0;
  let heavy = 0;
  fc.assert(fc.property(randomProgram({ maxUnits: 12 }), fc.array(mutationArb, { maxLength: 2 }), (program, mutations) => {
    const insns = mutate(program.insns, mutations);
    const ours = verify(insns, { progType: 'syscall', complexityLimit: HEAVY });
    if (ours.errno === 'E2BIG' && ours.processed > HEAVY) {
      heavy++;
      return;
    }
    const kernel = kernelVerdict(insns, 'syscall', [], BPF_F_SLEEPABLE);
    assert.equal(ours.verdict, kernel.verdict, `kernel: ${JSON.stringify(kernel.errorLines)}, tsbpf: ${ours.error}\n${JSON.stringify(insns)}`);
    if (kernel.verdict === 'reject') {
      rejected++;
      assert.equal(ours.errorLines?.[0], kernel.errorLines[0], JSON.stringify(insns));
    }
    agree++;
  }), { numRuns: RUNS });
  process.stdout.write(`# ${agree} generated programs agree with the kernel (${rejected} refused by both; ${heavy} left out as too long)\n`);
});

const fixturesDir = new URL('../fixtures/', import.meta.url).pathname;
/** Fixture programs tsbpf refuses while the kernel accepts, with the reason. */
const FIXTURE_DISAGREEMENTS: Record<string, string> = {};

for (const file of readdirSync(fixturesDir).filter((f) => f.endsWith('.o')).sort()) {
  test(`fixture ${file}: tsbpf and the kernel agree`, { skip }, () => {
    const spec = loadObjectSpec(fixturesDir + file);
    if (spec.programs.some((p) => p.coreRelos.length > 0)) applyObjectCoreRelocations(spec, loadVmlinuxBtf());
    let kernelLog = '';
    let kernelOk = true;
    try {
      KernelObject.load(loadObjectSpec(fixturesDir + file), { logLevel: 1 }).close();
    } catch (err) {
      kernelOk = false;
      kernelLog = (err as { log?: string }).log ?? String(err);
    }
    for (const program of spec.programs) {
      const ours = verifyProgramSpec(program, spec);
      const known = FIXTURE_DISAGREEMENTS[`${file}/${program.name}`];
      if (known) {
        assert.equal(ours.verdict, 'reject', `${file}/${program.name} is listed as a disagreement but tsbpf accepts it: update the list`);
        continue;
      }
      assert.equal(ours.verdict, kernelOk ? 'accept' : ours.verdict, `${file}/${program.name}: ${ours.error} (kernel: ${kernelOk ? 'accept' : kernelLog.slice(-300)})`);
    }
  });
}
