// bpf_redirect_neigh, which tc routers (cilium's examples among them) call to
// let the neighbour table fill in the MAC addresses: the VM verifies and runs
// it as the kernel does (TC_ACT_REDIRECT, or TC_ACT_SHOT for a short params
// struct or unknown flags), compared live.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadObject, type BackendName } from '../../src/object/index.js';
import { kernelSkipReason } from '../support/kernel.js';
import { objectFixture } from '../support/object-backends.js';
import { ipv4Frame, ipv4Le, udp } from '../support/packets.js';

const TC_ACT_SHOT = 2;
const TC_ACT_REDIRECT = 7;
const frame = (dport: number, daddr = '10.0.0.2'): Uint8Array => ipv4Frame('10.0.0.1', daddr, udp(4000, dport));

async function verdicts(backend: BackendName, engine?: 'interp'): Promise<number[]> {
  const obj = await loadObject(objectFixture('redirect_neigh'), { backend, ...(engine ? { engine } : {}) });
  try {
    obj.maps.next_hops.set(ipv4Le('10.0.0.9'), ipv4Le('192.168.1.1'));
    return [frame(1), frame(2), frame(53), frame(53, '10.0.0.9')].map((f) => Number(obj.programs.route.testRun({ dataIn: f }).retval));
  } finally {
    obj.close();
  }
}

const expected = [TC_ACT_SHOT, TC_ACT_SHOT, TC_ACT_REDIRECT, TC_ACT_REDIRECT];

for (const engine of [undefined, 'interp'] as const) {
  test(`bpf_redirect_neigh in the VM (${engine ?? 'jit'})`, async () => {
    assert.deepEqual(await verdicts('vm', engine), expected);
  });
}

test('the kernel gives the same verdicts', { skip: kernelSkipReason() }, async () => {
  assert.deepEqual(await verdicts('kernel'), expected);
});
