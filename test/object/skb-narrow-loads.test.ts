// Narrow loads from the __sk_buff fields the kernel's skb keeps in 16 or 8
// bits: the VM (JIT and interpreter) reads what the kernel's
// convert_ctx_access makes them read (test/object/fixtures/skb_narrow_loads.c).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { BpfObject } from '../../src/object/index.js';
import { SK_BUFF, SK_BUFF_SIZE } from '../../src/progtypes/index.js';
import { kernelSkipReason } from '../support/kernel.js';
import { assertVmAsKernel, objectFixture } from '../support/object-backends.js';
import { ipv4Frame, udp } from '../support/packets.js';

const skip = kernelSkipReason();

/** cb[0..4] after a run, with mark and gso_size (the skb keeps 16 bits of it) set from ctx_in. */
function cbAfterRun(obj: BpfObject): number[] {
  const ctx = new Uint8Array(SK_BUFF_SIZE);
  const v = new DataView(ctx.buffer);
  v.setUint32(SK_BUFF.mark, 0x12345678, true);
  v.setUint32(SK_BUFF.gso_size, 0x12345, true);
  v.setUint32(SK_BUFF.gso_segs, 3, true);
  const out = obj.programs.narrow_loads.testRun({ dataIn: ipv4Frame('10.1.1.1', '10.2.2.2', udp(5, 6)), ctxIn: ctx }).ctxOut ?? new Uint8Array(0);
  const cb = new DataView(out.buffer, out.byteOffset + SK_BUFF.cb, 20);
  return [0, 1, 2, 3, 4].map((i) => cb.getUint32(4 * i, true));
}

test('narrow loads of 16- and 8-bit skb fields read the whole field, as the kernel converts them', async () => {
  // protocol (ETH_P_IP, 0x0008 as stored) by its upper half, its second byte, its fourth; pkt_type (PACKET_OTHERHOST, 3:
  // the frame is not addressed to loopback) twice;
  // vlan_tci and queue_mapping (0); gso_size's 16 bits (0x2345) and gso_segs (3) by their upper halves; mark's real upper half.
  const expected = [0x0008, 3 | (3 << 8), 0, 0x2345 | (3 << 16), 0x1234];
  await assertVmAsKernel(objectFixture('skb_narrow_loads'), cbAfterRun, expected, skip);
});
