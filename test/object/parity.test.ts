// The kernel agrees (issue 3, part 7; issue 7, part 5): every fixture runs in
// the VM and in the kernel with the same setup and the same packets, and the
// two give the same return values, data out, ctx out and map contents
// (bpftool-format dumps, compared after sorting). Skipped where bpf() is refused.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { possibleCpus } from '../../src/kernel/cpus.js';
import { kernelSkipReason } from '../support/kernel.js';
import { SCENARIOS } from './scenarios.js';
import { runScenario } from './run-scenario.js';
import { comparableDumps } from './normalize-dump.js';

const skip = kernelSkipReason();
const hex = (b: Uint8Array | undefined): string => (b === undefined ? '-' : Buffer.from(b).toString('hex'));

for (const engine of ['interp', 'jit'] as const) describe(`VM (${engine}) and kernel agree on every fixture`, { skip }, () => {
  const agreed: string[] = [];

  for (const scenario of SCENARIOS) {
    test(`${scenario.fixture}: ${scenario.runs.length} runs, same results and maps`, async () => {
      const kernel = await runScenario(scenario, { backend: 'kernel' });
      try {
        const vm = await runScenario(scenario, { backend: 'vm', engine, cpus: possibleCpus() });
        try {
          scenario.runs.forEach((run, i) => {
            const k = kernel.results[i];
            const v = vm.results[i];
            const what = `${run.program}: ${run.name}`;
            if ('refused' in k || 'refused' in v) {
              assert.deepEqual(v, k, `${what}: both refuse the input with the same errno`);
              return;
            }
            assert.equal(v.retval, k.retval, `${what}: return value`);
            assert.equal(hex(v.dataOut), hex(k.dataOut), `${what}: data out`);
            assert.equal(hex(v.ctxOut), hex(k.ctxOut), `${what}: ctx out`);
          });
          assert.deepEqual(comparableDumps(vm.obj), comparableDumps(kernel.obj), 'map contents');
          agreed.push(scenario.fixture);
        } finally {
          vm.obj.close();
        }
      } finally {
        kernel.obj.close();
      }
    });
  }

  test('summary', (t) => {
    t.diagnostic(`${engine}: fixtures agreeing with the kernel: ${agreed.length}/${SCENARIOS.length} (${agreed.join(', ')})`);
  });
});
