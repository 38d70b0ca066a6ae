// __sk_buff.tc_classid, tc_index and queue_mapping written by a tc program: a test run's
// ctx_out does not report them (convert_skb_to___skb), whatever was stored; the kernel
// and the VM (JIT and interpreter) must give the same retval, data_out and ctx_out. Read
// back within the run, tc_classid and tc_index keep 16 bits (the VM narrows the stores as
// the kernel's convert_ctx_access does).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { BackendName, BpfObject } from '../../src/object/index.js';
import { SK_BUFF, SK_BUFF_SIZE, narrowCtxStores } from '../../src/progtypes/index.js';
import { kernelSkipReason } from '../support/kernel.js';
import { assertVmAsKernel, objectFixture, openOn } from '../support/object-backends.js';
import { ipv4Frame, udp } from '../support/packets.js';

const skip = kernelSkipReason();
const VALUES = [0, 5, 0xfffe, 0xffff, 0x10005, 0xabcdef12, 0xffffffff];

const open = (backend: BackendName, engine?: 'interp'): Promise<BpfObject> => openOn(objectFixture('tc_reshape'), backend, engine);

function outcomes(obj: BpfObject): string[] {
  const frame = ipv4Frame('10.1.1.1', '10.2.2.2', udp(5, 6));
  return VALUES.map((v) => {
    const ctx = new Uint8Array(SK_BUFF_SIZE);
    new DataView(ctx.buffer).setUint32(SK_BUFF.cb, v, true);
    const r = obj.programs.ctx_u16_store.testRun({ dataIn: frame, ctxIn: ctx });
    return `${v.toString(16)}: ${r.retval} ${Buffer.from(r.dataOut).toString('hex')} ${Buffer.from(r.ctxOut ?? []).toString('hex')}`;
  });
}

test('tc_classid, tc_index and queue_mapping stores stay out of ctx_out, as in the kernel', { skip }, async () => {
  const objs = await Promise.all([open('kernel'), open('vm'), open('vm', 'interp')]);
  try {
    const [expected, ...got] = objs.map(outcomes);
    for (const g of got) assert.deepEqual(g, expected);
  } finally {
    for (const o of objs) o.close();
  }
});

function readBacks(obj: BpfObject): string[] {
  const frame = ipv4Frame('10.1.1.1', '10.2.2.2', udp(5, 6));
  return VALUES.map((v) => {
    const ctx = new Uint8Array(SK_BUFF_SIZE);
    new DataView(ctx.buffer).setUint32(SK_BUFF.cb, v, true);
    const out = obj.programs.ctx_u16_readback.testRun({ dataIn: frame, ctxIn: ctx }).ctxOut ?? new Uint8Array(0);
    const cb = new DataView(out.buffer, out.byteOffset + SK_BUFF.cb, 20);
    return `${v.toString(16)}: tc_classid ${cb.getUint32(4, true).toString(16)} tc_index ${cb.getUint32(8, true).toString(16)} queue_mapping ${cb.getUint32(12, true)}`;
  });
}

test('tc_classid and tc_index read back in 16 bits after a 32-bit store, as in the kernel', async () => {
  const expected = VALUES.map((v) => `${v.toString(16)}: tc_classid ${(v & 0xffff).toString(16)} tc_index ${(v & 0xffff).toString(16)} queue_mapping 7`);
  await assertVmAsKernel(objectFixture('tc_reshape'), readBacks, expected, skip);
});

test('narrowCtxStores: 16-bit stores into tc_index and tc_classid; immediate queue_mapping stores of 0xffff or more vanish', () => {
  const st = (off: number, imm: number) => ({ opcode: 0x62, dst: 1, src: 0, off, imm });
  const stx = (off: number) => ({ opcode: 0x63, dst: 1, src: 2, off, imm: 0 });
  const insns = [stx(SK_BUFF.tc_classid), st(SK_BUFF.tc_index, 0x10005), st(SK_BUFF.queue_mapping, 0xffff), st(SK_BUFF.queue_mapping, 7), stx(SK_BUFF.queue_mapping), stx(SK_BUFF.mark)];
  const stores = new Map(insns.map((insn, i) => [i, insn.off]));
  const out = narrowCtxStores('sched_cls', insns, stores);
  assert.deepEqual(out.map((i) => i.opcode), [0x6b, 0x6a, 0x05, 0x6a, 0x63, 0x63]);
  assert.deepEqual(narrowCtxStores('xdp', insns, stores), insns, 'other contexts are left alone');
});
