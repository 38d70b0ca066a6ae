// tc programs that reshape their packet (bpf_skb_vlan_push, bpf_skb_vlan_pop,
// bpf_skb_change_tail, bpf_skb_change_head), test-run by the kernel and by the VM (JIT and
// interpreter) on IPv4/IPv6 TCP/UDP, VLAN-tagged, 802.3 and short frames:
// retval, data_out and ctx_out (mark carries skb->protocol) must agree.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { BpfObject } from '../../src/object/index.js';
import { SK_BUFF_SIZE } from '../../src/progtypes/index.js';
import { kernelSkipReason } from '../support/kernel.js';
import { objectFixture, withKernelJitInterp } from '../support/object-backends.js';
import { ETH_P_IP, ETH_P_IPV6, ethernet, ipv4, udp, TC_SAMPLE_FRAMES } from '../support/packets.js';

const skip = kernelSkipReason();
const PROGRAMS = [
  'vlan_push_one', 'vlan_push_two', 'vlan_pop', 'vlan_pop_twice', 'vlan_push_pop',
  'tail_trim', 'tail_grow', 'tail_trim_grow', 'tail_limits', 'tail_write', 'head_push', 'head_then_tail', 'head_big',
] as const;

/** 802.1AD outer tag, 802.1Q inner tag, then IPv4. */
function qinq(): Uint8Array {
  const inner = ethernet(ETH_P_IP, ipv4('10.0.0.1', '10.0.0.2', udp(1, 2)), 9);
  const out = new Uint8Array(inner.length + 4);
  out.set(inner.subarray(0, 12));
  out.set([0x88, 0xa8, 0x00, 0x77], 12);
  out.set(inner.subarray(12), 16);
  return out;
}

const PACKETS: ReadonlyArray<[string, Uint8Array]> = [
  ...TC_SAMPLE_FRAMES,
  ['qinq ipv4', qinq()],
  ['vlan, short', ethernet(0x8100, new Uint8Array([0, 5]))],
  ['802.3', ethernet(0x0040, new Uint8Array(46).fill(0xff))],
  ['ethernet header only', ethernet(0x9000, new Uint8Array(0))],
  ['ipv6, no payload', ethernet(ETH_P_IPV6, new Uint8Array(40))],
];

function outcomes(obj: BpfObject): string[] {
  const out: string[] = [];
  for (const name of PROGRAMS) {
    for (const [what, frame] of PACKETS) {
      for (const withCtx of [false, true]) {
        let r: string;
        try {
          const res = obj.programs[name].testRun({ dataIn: frame, ...(withCtx ? { ctxIn: new Uint8Array(SK_BUFF_SIZE) } : {}), dataOutSize: frame.length + 256 });
          r = `${res.retval.toString(16)} ${Buffer.from(res.dataOut).toString('hex')} ${res.ctxOut ? Buffer.from(res.ctxOut).toString('hex') : '-'}`;
        } catch (e) {
          r = `errno ${(e as { errno?: number }).errno ?? String(e)}`;
        }
        out.push(`${name} on ${what}${withCtx ? ' with ctx' : ''}: ${r}`);
      }
    }
  }
  return out;
}

test('tc packet reshaping (VLAN push/pop, change_tail/head) as in the kernel', { skip }, async () => {
  await withKernelJitInterp(objectFixture('tc_reshape'), (kernel, jit, interp) => {
    const expected = outcomes(kernel);
    assert.deepEqual(outcomes(jit), expected);
    assert.deepEqual(outcomes(interp), expected);
  });
});
