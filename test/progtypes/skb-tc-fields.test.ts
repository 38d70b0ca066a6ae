// __sk_buff.tc_classid, tc_index and queue_mapping written by a tc program: a test run's
// ctx_out does not report them (convert_skb_to___skb), whatever was stored; the kernel
// and the VM (JIT and interpreter) must give the same retval, data_out and ctx_out.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { loadObject, type BackendName, type BpfObject } from '../../src/object/index.js';
import { SK_BUFF, SK_BUFF_SIZE } from '../../src/progtypes/index.js';
import { kernelSkipReason } from '../support/kernel.js';
import { ipv4Frame, udp } from '../support/packets.js';

const skip = kernelSkipReason();
const VALUES = [0, 5, 0xfffe, 0xffff, 0x10005, 0xabcdef12, 0xffffffff];

async function open(backend: BackendName, engine?: 'interp'): Promise<BpfObject> {
  return loadObject(join(import.meta.dirname, '..', 'object', 'fixtures', 'tc_reshape.o'), { backend, ...(engine ? { engine } : {}) });
}

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
