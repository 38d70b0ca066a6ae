// The clang-compiled fixtures (test/fixtures/*.o) loaded as objects on the
// VM with the interpreter and with the JIT: every program's test runs on the
// same packets, in the same order, must give the same return values, data
// out and errors, and leave every map with the same contents. Unverified
// (checked mode, with a budget) for every object; verified (unchecked mode)
// for the objects whose runs make no access the interpreter refuses, since
// there the JIT leaves the bounds to WebAssembly and the interpreter does not
// (a pointer whose high 32 bits are not ARENA_BASE's still reaches the arena).
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { EngineName } from '../../src/engine/select.js';
import { bpftoolMapDump, loadObject } from '../../src/object/index.js';

const fixtures = resolve(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures');

/** Ethernet + IPv4 + UDP to port 53, then bytes; and an all-zero frame. */
function packets(): Uint8Array[] {
  const udp = Uint8Array.from({ length: 128 }, (_, i) => (i * 13 + 7) & 0xff);
  udp.set([2, 0, 0, 0, 0, 1, 2, 0, 0, 0, 0, 2, 0x08, 0x00, 0x45, 0, 0, 114, 0, 0, 0, 0, 64, 17, 0, 0, 10, 0, 0, 1, 10, 0, 0, 2, 0x30, 0x39, 0x00, 0x35], 0);
  const tcp = udp.slice();
  tcp.set([6], 23);
  return [new Uint8Array(64), udp, tcp, udp];
}

/** Everything observable of loading an object and test-running each program on each packet. */
async function transcript(file: string, engine: EngineName, verify: boolean): Promise<string[]> {
  const lines: string[] = [];
  let obj;
  try {
    obj = await loadObject(file, { engine, verify });
  } catch (err) {
    return [`load: ${(err as Error).name}: ${(err as Error).message}`];
  }
  for (const [name, program] of Object.entries(obj.programs)) {
    for (const dataIn of packets()) {
      try {
        const r = program.testRun({ dataIn });
        lines.push(`${name}: retval ${r.retval} out ${Buffer.from(r.dataOut).toString('hex')}`);
      } catch (err) {
        lines.push(`${name}: ${(err as Error).name}: ${(err as Error).message}`);
      }
    }
  }
  for (const [name, map] of Object.entries(obj.maps)) lines.push(`map ${name}: ${bpftoolMapDump(map, obj.spec.btf)}`);
  return lines;
}

const objects = readdirSync(fixtures).filter((f) => f.endsWith('.o')).sort();

const skip = objects.length === 0 ? 'no fixtures' : undefined;

test(`the ${objects.length} fixture objects, unverified: the checked JIT behaves as the interpreter`, { skip }, async () => {
  for (const f of objects) {
    const file = join(fixtures, f);
    assert.deepEqual(await transcript(file, 'jit', false), await transcript(file, 'interp', false), f);
  }
});

test('the fixture objects, verified: the unchecked JIT behaves as the interpreter where no access faults', { skip }, async () => {
  let compared = 0;
  for (const f of objects) {
    const file = join(fixtures, f);
    const interp = await transcript(file, 'interp', true);
    if (interp.some((line) => line.includes('MemoryAccessError'))) continue;
    compared++;
    assert.deepEqual(await transcript(file, 'jit', true), interp, f);
  }
  assert.ok(compared > 0, 'no fixture ran without a memory fault');
});
