// Socket lookups in C (test/verifier/fixtures/sk_lookup.c): tc programs that
// look up a TCP socket, read it and release it (sk_lookup_tc), or cast the
// packet's own socket to a full socket and its TCP fields (skb_sk_tc), are
// accepted after as many instructions as Linux 6.18 processes. Run in the
// VM, where no socket exists, the lookup answers NULL and the program takes
// its "no socket" path (TC_ACT_SHOT), as the kernel's test run does for a
// tuple no socket is bound to.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { kernelSkipReason } from '../support/kernel.js';
import { ipv4Frame, tcp, TCP_SYN } from '../support/packets.js';
import { runCliInProcess } from '../cli/in-process-cli.js';
import { assertAcceptedAfter, assertKernelAcceptsAfter } from './accepted-fixture.js';

const object = new URL('./fixtures/sk_lookup.o', import.meta.url).pathname;
/** Instructions Linux 6.18 processes, by program. */
const PROCESSED: Record<string, number> = { sk_lookup_tc: 53, skb_sk_tc: 20 };
const TC_ACT_UNSPEC = -1 >>> 0;
const TC_ACT_OK = 0;
const TC_ACT_SHOT = 2;

const dir = mkdtempSync(join(tmpdir(), 'tsbpf-sk-lookup-'));
after(() => rmSync(dir, { recursive: true, force: true }));
/** TCP to a TEST-NET-1 address (RFC 5737): no socket here is bound to it. */
const toNowhere = join(dir, 'syn.bin');
writeFileSync(toNowhere, ipv4Frame('192.0.2.1', '192.0.2.2', tcp(40000, 9, TCP_SYN)));
const notIp = join(dir, 'zeros.bin');
writeFileSync(notIp, new Uint8Array(60));

async function retvals(program: string, backend: 'vm' | 'kernel'): Promise<number[]> {
  const r = await runCliInProcess(['test-run', object, '--program', program, '--data-in', toNowhere, '--data-in', notIp,
    '--json', '--backend', backend]);
  assert.equal(r.code, 0, r.stderr);
  return (JSON.parse(r.stdout) as { results: Array<{ retval: number }> }).results.map((x) => x.retval);
}

test('socket lookup: accepted after as many instructions as Linux 6.18 processes', () => {
  assertAcceptedAfter(object, PROCESSED, 1);
});

test('socket lookup: the kernel agrees', { skip: kernelSkipReason() }, () => {
  assertKernelAcceptsAfter(object, PROCESSED);
});

test('socket lookup: tsbpf test-run in the VM finds no socket', async () => {
  assert.deepEqual(await retvals('sk_lookup_tc', 'vm'), [TC_ACT_SHOT, TC_ACT_OK], 'NULL from the lookup, then a frame that is not IPv4');
  assert.deepEqual(await retvals('skb_sk_tc', 'vm'), [TC_ACT_SHOT, TC_ACT_SHOT], 'skb->sk is NULL in the VM');
});

test('socket lookup: the kernel\'s test run finds no socket for the tuple either', { skip: kernelSkipReason() }, async () => {
  assert.deepEqual(await retvals('sk_lookup_tc', 'kernel'), [TC_ACT_SHOT, TC_ACT_OK]);
  // The kernel's test run gives the packet a dummy socket, a full one that is not TCP (a known difference).
  assert.deepEqual(await retvals('skb_sk_tc', 'kernel'), [TC_ACT_UNSPEC, TC_ACT_UNSPEC]);
});
