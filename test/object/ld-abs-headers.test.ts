// LD_ABS with SKF_NET_OFF / SKF_LL_OFF (test/object/fixtures/ld_abs_headers.c):
// both engines read the headers the kernel reads, and give up (the program
// returns 0) where it does.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { loadObject, type BpfObject } from '../../src/object/index.js';
import { kernelSkipReason } from '../support/kernel.js';
import { ipv4Frame, udp } from '../support/packets.js';

const fixture = join(import.meta.dirname, 'fixtures', 'ld_abs_headers.o');
const PROGRAMS = ['net_first_byte', 'll_ethertype', 'tc_net_first_byte', 'before_the_buffer'];

function retvals(obj: BpfObject): number[] {
  const frame = ipv4Frame('10.1.1.1', '10.2.2.2', udp(5, 6));
  return PROGRAMS.map((p) => obj.program(p).testRun({ dataIn: frame }).retval);
}

test('negative LD_ABS offsets reach the network and Ethernet headers, as in the kernel', async () => {
  // 0x45 + 1 (IPv4, 20-byte header), 0x0800 + 1 (ETH_P_IP), 0x45 + 1 from tc, 0 (before the buffer: the program ends).
  const expected = [0x46, 0x801, 0x46, 0];
  for (const engine of ['jit', 'interp'] as const) {
    const o = await loadObject(fixture, { engine });
    try {
      assert.deepEqual(retvals(o), expected, engine);
    } finally {
      o.close();
    }
  }
  if (kernelSkipReason() === undefined) {
    const k = await loadObject(fixture, { backend: 'kernel' });
    try {
      assert.deepEqual(retvals(k), expected, 'kernel');
    } finally {
      k.close();
    }
  }
});
