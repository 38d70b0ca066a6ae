import { kernelAvailable } from '../../src/kernel/probe.js';

/**
 * Why tests that need the kernel's bpf() must skip here, or undefined when
 * bpf() works (map create, program load and BPF_PROG_TEST_RUN all probed):
 *
 *   test('...', { skip: kernelSkipReason() }, () => { ... });
 */
export function kernelSkipReason(): string | undefined {
  const availability = kernelAvailable();
  return availability.ok ? undefined : availability.reason;
}
