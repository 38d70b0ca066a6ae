// Pruning in a loop with a data-dependent stride (test/verifier/fixtures/
// ipv4_options.c): the number of instructions processed shows whether the
// verifier keeps, evicts and searches its checkpoints as the kernel does.
// The expectations are what Linux 6.18 says of each program; where bpf() is
// allowed, the kernel is asked again.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { kernelSkipReason } from '../support/kernel.js';
import { assertAcceptedAfter, assertKernelAcceptsAfter } from './accepted-fixture.js';

const object = new URL('./fixtures/ipv4_options.o', import.meta.url).pathname;

/** Instructions processed by Linux 6.18 (both programs are accepted). */
const EXPECTED: Record<string, number> = {
  ipv4_opts10: 15_554,
  ipv4_opts16: 430_159,
};

test('IPv4 options parser: accepted after as many instructions as Linux 6.18 processes', () => {
  assertAcceptedAfter(object, EXPECTED);
});

test('IPv4 options parser: the kernel agrees, program by program', { skip: kernelSkipReason() }, () => {
  assertKernelAcceptsAfter(object, EXPECTED);
});
