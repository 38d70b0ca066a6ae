// Malformed BTF and BTF.ext never crash or hang the parsers, and accepted BTF
// never crashes what reads through it (sizes, codecs, bpftool formatting).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { Btf, BtfError, parseBtfExt, decodeBtfValue, formatBpftoolValue, encodeBtfValue } from '../../src/btf/index.js';
import { readElf } from '../../src/elf/index.js';
import { BtfBuilder } from '../support/btf-builder.js';
import { fixtureBytes, fixtureNames } from '../support/fixtures.js';

const blobs = fixtureNames().map((name) => {
  const elf = readElf(fixtureBytes(name));
  return { btf: new Uint8Array(elf.section('.BTF')!.data), ext: new Uint8Array(elf.section('.BTF.ext')!.data) };
});
let slowest = 0;

function typed(run: () => void): void {
  const t0 = performance.now();
  try {
    run();
  } catch (e) {
    if (!(e instanceof BtfError)) throw e;
    assert.ok(Number.isInteger(e.offset) && e.offset >= 0);
  } finally {
    slowest = Math.max(slowest, performance.now() - t0);
  }
}

/** Parses, then walks every type: sizes, resolution, decoding and formatting of random bytes. */
function exercise(bytes: Uint8Array, sample: Uint8Array): void {
  typed(() => {
    const btf = new Btf(bytes);
    for (const t of btf.all()) {
      typed(() => btf.resolve(t.id));
      const size = btf.sizeOrUnsized(t.id);
      if (size < 0 || size > 4096) continue;
      const value = new Uint8Array(size);
      value.set(sample.subarray(0, size));
      typed(() => formatBpftoolValue(btf, t.id, value));
      typed(() => { encodeBtfValue(btf, t.id, decodeBtfValue(btf, t.id, value)); });
    }
  });
}

const blob = fc.constantFrom(...blobs);
const sample = fc.uint8Array({ minLength: 64, maxLength: 64 });

test('truncated BTF', () => {
  fc.assert(fc.property(blob, fc.nat(), sample, ({ btf }, cut, s) => exercise(btf.subarray(0, cut % btf.length), s)), { numRuns: 300 });
});

test('bit-flipped and word-mutated BTF', () => {
  fc.assert(fc.property(blob, fc.nat(), fc.oneof(fc.constantFrom(0, 0xffff, 0xffffffff, 0x1000000, 0x13000001), fc.nat({ max: 0xffffffff })), sample,
    ({ btf }, where, value, s) => {
      const copy = new Uint8Array(btf);
      const at = (where % (copy.length - 3)) & ~3;
      new DataView(copy.buffer).setUint32(at, value, true);
      exercise(copy, s);
    }), { numRuns: 600 });
});

test('random type records', () => {
  const record = fc.tuple(fc.nat({ max: 20 }), fc.nat({ max: 40 }), fc.nat({ max: 4 }), fc.boolean(), fc.array(fc.nat({ max: 40 }), { maxLength: 12 }));
  fc.assert(fc.property(fc.array(record, { minLength: 1, maxLength: 30 }), sample, (records, s) => {
    const b = new BtfBuilder();
    for (const [kind, sizeOrType, vlen, kflag, extra] of records) b.raw(`t${kind}`, kind, vlen, kflag, sizeOrType, extra);
    exercise(b.build(), s);
  }), { numRuns: 600 });
});

test('malformed BTF.ext', () => {
  fc.assert(fc.property(blob, fc.nat(), fc.nat({ max: 0xffffffff }), fc.nat(), ({ btf, ext }, where, value, cut) => {
    const parsed = new Btf(btf);
    const copy = new Uint8Array(ext);
    new DataView(copy.buffer).setUint32((where % (copy.length - 3)) & ~3, value, true);
    typed(() => parseBtfExt(copy, parsed));
    typed(() => parseBtfExt(ext.subarray(0, cut % ext.length), parsed));
  }), { numRuns: 600 });
});

test('no input took long', () => {
  assert.ok(slowest < 500, `slowest took ${slowest.toFixed(1)} ms`);
});
