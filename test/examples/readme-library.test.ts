// The README's "The library" snippet, as written there.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { assemble, loadObject, loadObjectSpec, verify } from '../../src/index.js';
import { ETH_P_IP, ethernet, ipv4, udp } from '../support/packets.js';

test('README library snippet: assemble and verify, then spec -> live object with BTF-typed map values', async () => {
  const insns = assemble('r0 = 1\nr0 += 41\nexit');
  assert.equal(verify(insns, { progType: 'socket_filter' }).verdict, 'accept');

  const spec = loadObjectSpec('test/fixtures/xdp_firewall.o');
  spec.maps.find((m) => m.name === 'port_rules')!.maxEntries = 1024;
  const obj = await loadObject(spec, { engine: 'jit' });
  try {
    obj.maps.port_rules.set(53, { drops: 0n, action: 1, hits: 0 });
    const frame = ethernet(ETH_P_IP, ipv4('192.0.2.1', '192.0.2.2', udp(1234, 53)));
    const { retval } = await obj.programs.xdp_firewall.testRun({ dataIn: frame });
    assert.equal(retval, 1); // XDP_DROP
    assert.deepEqual(obj.maps.port_rules.get(53), { drops: 1n, action: 1, hits: 1 });
  } finally {
    obj.close();
  }
});
