// bpf_redirect_map() and bpf_redirect() in XDP test runs, the kernel as the
// reference: with devmap, devmap_hash and cpumap entries set through bpf(),
// every key/flags combination must give the kernel's retval and data_out
// (the kernel's test run reports XDP_REDIRECT without forwarding anything).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadObject, type BackendName, type BpfObject } from '../../src/object/index.js';
import { possibleCpus } from '../../src/kernel/cpus.js';
import { kernelSkipReason } from '../support/kernel.js';
import { join } from 'node:path';
import { u32 } from '../maps/bytes.js';

const skip = kernelSkipReason();
const PROGRAMS = ['redirect_devmap', 'redirect_devmap_hash', 'redirect_cpumap', 'lookup_devmap', 'redirect_ifindex'] as const;
const KEYS = [0, 1, 2, 3, 5, 200];
const FLAGS = [0, 1, 2, 3, 4, 8, 9, 16, 18, 32];

const pair = (a: number, b: number): Uint8Array => new Uint8Array([...u32(a), ...u32(b)]);

async function open(backend: BackendName, engine?: 'interp'): Promise<BpfObject> {
  const obj = await loadObject(join(import.meta.dirname, '..', 'object', 'fixtures', 'xdp_redirect.o'), { backend, cpus: possibleCpus(), ...(engine ? { engine } : {}) });
  // Loopback (ifindex 1) is the device both sides have.
  obj.maps.tx_ports.raw.update(u32(1), pair(1, 0));
  obj.maps.tx_ports.raw.update(u32(3), pair(1, 0xffffffff));
  obj.maps.tx_by_index.raw.update(u32(200), u32(1));
  obj.maps.tx_by_index.raw.update(u32(2), u32(1));
  obj.maps.cpus.raw.update(u32(0), pair(64, 0));
  return obj;
}

function outcomes(obj: BpfObject): string[] {
  const out: string[] = [];
  for (const name of PROGRAMS) {
    for (const key of KEYS) {
      for (const flags of FLAGS) {
        const frame = new Uint8Array([2, 0, 0, 0, 0, 1, 2, 0, 0, 0, 0, 2, 0x08, 0x00, key, flags, 0xaa, 0xbb]);
        const r = obj.programs[name].testRun({ dataIn: frame });
        out.push(`${name} key ${key} flags ${flags}: ${r.retval} ${Buffer.from(r.dataOut ?? []).toString('hex')}`);
      }
    }
  }
  return out;
}

test('XDP redirects through devmap, devmap_hash and cpumap as in the kernel', { skip }, async () => {
  const kernel = await open('kernel');
  const ours = await open('vm');
  const interp = await open('vm', 'interp');
  try {
    const expected = outcomes(kernel);
    assert.ok(expected.some((o) => /: 4 [0-9a-f]+$/.test(o)), 'some runs redirect');
    assert.deepEqual(outcomes(ours), expected);
    assert.deepEqual(outcomes(interp), expected);
  } finally {
    for (const o of [kernel, ours, interp]) o.close();
  }
});

test('bpf_redirect_map: an entry redirects, a missing key gives the fallback action', async () => {
  const obj = await open('vm');
  try {
    const r = obj.programs.redirect_devmap.testRun({ dataIn: new Uint8Array([2, 0, 0, 0, 0, 1, 2, 0, 0, 0, 0, 2, 8, 0, 1, 0]) });
    assert.equal(r.retval, 4);
    assert.equal(obj.programs.redirect_devmap.testRun({ dataIn: new Uint8Array([2, 0, 0, 0, 0, 1, 2, 0, 0, 0, 0, 2, 8, 0, 0, 2]) }).retval, 2, 'no entry: the fallback action');
  } finally {
    obj.close();
  }
});
