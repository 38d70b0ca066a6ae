// bpf_skb_adjust_room() in tc programs, test-run by the kernel and by the VM (JIT and
// interpreter): len_diff, mode and flags (through ctx_in's cb[]) swept over IPv4/IPv6
// TCP/UDP, VLAN-tagged, non-IP and short frames, alone and followed or preceded by
// other reshaping helpers; retval, data_out and ctx_out must agree.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { BpfObject } from '../../src/object/index.js';
import { SK_BUFF, SK_BUFF_SIZE } from '../../src/progtypes/index.js';
import { kernelSkipReason } from '../support/kernel.js';
import { objectFixture, withKernelJitInterp } from '../support/object-backends.js';
import { ETH_P_IP, ETH_P_IPV6, arpFrame, ethernet, ipv4Frame, udp, TC_SAMPLE_FRAMES } from '../support/packets.js';

const skip = kernelSkipReason();

const PACKETS: ReadonlyArray<[string, Uint8Array]> = [
  ...TC_SAMPLE_FRAMES,
  ['arp', arpFrame('10.0.0.1', '10.0.0.2')],
  ['ipv4 header only', ethernet(ETH_P_IP, new Uint8Array(20).fill(0x45))],
  ['ipv6 header only', ethernet(ETH_P_IPV6, new Uint8Array(40))],
  ['ipv4, 2000 bytes', ipv4Frame('10.1.1.1', '10.2.2.2', udp(1, 2, new Uint8Array(1958).map((_, i) => i)))],
];

const L2 = (len: number): bigint => BigInt(len) << 56n;
const FLAGS: readonly bigint[] = [
  0n, 1n /* FIXED_GSO */, 2n /* ENCAP_L3_IPV4 */, 4n /* ENCAP_L3_IPV6 */, 6n, 2n | 8n /* + GRE */, 4n | 0x10n /* + UDP */,
  2n | 0x18n, 8n /* GRE without L3 */, 0x20n /* NO_CSUM_RESET */, 0x21n, 2n | 0x40n | L2(14) /* ENCAP_L2_ETH */,
  4n | 0x40n | L2(13), 2n | 0x10n | L2(14), 2n | L2(30), L2(14), 0x80n /* DECAP_L3_IPV4 */, 0x100n /* DECAP_L3_IPV6 */,
  0x180n, 0x81n, 0x200n, 1n << 55n, 2n | 0x40n,
];
const LEN_DIFFS = [0, 1, 8, 20, 40, 0xfff, 0x1000, -1, -4, -20, -21, -40, -50, -0xfff, -0x1000, -0x80000000];
const MODES = [0, 1, 2, 0xffffffff];

interface Case { label: string; frame: Uint8Array; lenDiff: number; mode: number; flags: bigint; op: number; gso: boolean }

function* cases(): Generator<Case> {
  for (const [what, frame] of PACKETS) {
    for (const mode of MODES) {
      for (const lenDiff of LEN_DIFFS) {
        for (const flags of mode <= 1 ? FLAGS : [0n, 2n]) yield { label: what, frame, lenDiff, mode, flags, op: 0, gso: false };
      }
    }
    // Steps before and after: the call again, change_tail around the new headers, the reverse call, change_head or vlan_pop first.
    const tails = [13, 14, 33, 34, 35, 54, 55, 80].map((len) => 2 | (len << 16));
    for (const op of [1, 3, 0x10, 0x13, 0x20, 0x21, ...tails]) {
      for (const mode of [0, 1]) {
        for (const lenDiff of [8, 20, 40, -4, -20]) {
          for (const flags of [0n, 2n, 4n, 2n | 0x10n, 4n | 8n, 0x80n, 0x100n]) yield { label: what, frame, lenDiff, mode, flags, op, gso: false };
        }
      }
    }
    for (const flags of [0n, 1n, 2n]) {
      for (const lenDiff of [8, -8]) yield { label: what, frame, lenDiff, mode: 0, flags, op: 0, gso: true };
    }
  }
}

function ctxIn(c: Case): Uint8Array {
  const ctx = new Uint8Array(SK_BUFF_SIZE);
  const v = new DataView(ctx.buffer);
  v.setInt32(SK_BUFF.cb, c.lenDiff, true);
  v.setUint32(SK_BUFF.cb + 4, c.mode, true);
  v.setBigUint64(SK_BUFF.cb + 8, c.flags, true);
  v.setUint32(SK_BUFF.cb + 16, c.op, true);
  if (c.gso) {
    v.setUint32(SK_BUFF.gso_size, 1000, true);
    v.setUint32(SK_BUFF.gso_segs, 3, true);
  }
  return ctx;
}

function run(obj: BpfObject, name: string, frame: Uint8Array, ctx?: Uint8Array): string {
  try {
    const res = obj.programs[name].testRun({ dataIn: frame, ...(ctx ? { ctxIn: ctx } : {}), dataOutSize: frame.length + 2 * 0x1000 + 64 });
    return `${res.retval.toString(16)} ${Buffer.from(res.dataOut).toString('hex')} ${res.ctxOut ? Buffer.from(res.ctxOut).toString('hex') : '-'}`;
  } catch (e) {
    return `errno ${(e as { errno?: number }).errno ?? String(e)}`;
  }
}

function outcomes(obj: BpfObject): string[] {
  const out: string[] = [];
  for (const c of cases()) {
    const r = run(obj, 'adjust_room', c.frame, ctxIn(c));
    out.push(`${c.label} len_diff ${c.lenDiff} mode ${c.mode} flags 0x${c.flags.toString(16)} op 0x${c.op.toString(16)}${c.gso ? ' gso' : ''}: ${r}`);
  }
  for (const [what, frame] of PACKETS) out.push(`adjust_room_write on ${what}: ${run(obj, 'adjust_room_write', frame)}`);
  return out;
}

test('bpf_skb_adjust_room as in the kernel', { skip }, async () => {
  await withKernelJitInterp(objectFixture('tc_reshape'), (kernel, jit, interp) => {
    const expected = outcomes(kernel);
    assert.ok(expected.length > 10000);
    // Most calls must do something: a sweep of errors only would prove little.
    assert.ok(expected.filter((o) => o.split(': ')[1].startsWith('0 ')).length > 3000);
    for (const got of [outcomes(jit), outcomes(interp)]) {
      const diff = got.map((g, i) => [g, expected[i]]).filter(([g, e]) => g !== e);
      assert.deepEqual(diff.slice(0, 5).map(([g, e]) => `${g}\n   kernel: ${e.split(': ')[1]}`), []);
    }
  });
});
