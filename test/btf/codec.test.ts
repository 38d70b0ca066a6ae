import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import {
  Btf, BtfError, decodeBtfValue, encodeBtfValue, formatBpftoolMapEntry, formatBpftoolValue, type BtfValue,
} from '../../src/btf/index.js';
import { loadObjectSpec, type MapSpec, type ObjectSpec } from '../../src/elf/index.js';
import { BtfBuilder } from '../support/btf-builder.js';
import { fixturePath, fixturesDir } from '../support/fixtures.js';

const spec: ObjectSpec = loadObjectSpec(fixturePath('btf_values'));
const btf = spec.btf as Btf;
const map = (name: string): MapSpec => spec.maps.find((m) => m.name === name) as MapSpec;
const recordId = (btf.find('record', 'struct') as { id: number }).id;

test('decodes a struct into JavaScript values', () => {
  const v = new Uint8Array(176);
  const view = new DataView(v.buffer);
  v.set(new TextEncoder().encode('hello'), 0);
  view.setUint32(12, 5 | (9 << 3) | (0xb << 8), true);
  view.setInt32(16, -5, true);
  view.setBigUint64(24, 2n ** 64n - 1n, true);
  view.setInt32(40, -3, true);
  v[56] = 1;
  view.setInt32(104, 0x41424344, true);
  view.setInt32(108, 11, true);
  v.set([0, 0x1b, 0x21, 0xaa, 0xbb, 0xcc], 124);
  const value = decodeBtfValue(btf, recordId, v) as Record<string, BtfValue>;
  assert.equal(value.name, 'hello');
  assert.equal(value.raw, '', 'a zeroed char array is the empty string');
  assert.deepEqual([value.flags, value.mode, value.sbits], [5, 9, -5]);
  assert.equal(value.neg, -5);
  assert.equal(value.big, 2n ** 64n - 1n);
  assert.equal(value.color, -3);
  assert.equal(value.ok, true);
  assert.equal(value.as_int, 0x41424344, 'members of an anonymous union appear in the struct');
  assert.deepEqual(value.as_bytes, [0x44, 0x43, 0x42, 0x41]);
  assert.equal(value.anon_a, 11);
  assert.deepEqual(value.mac, [0, 0x1b, 0x21, 0xaa, 0xbb, 0xcc], 'unsigned char arrays stay bytes');
  assert.equal(value.wide_int, 0n);
  assert.equal(typeof value.ptr, 'bigint');
});

test('encodes JavaScript values, leaving what is not given untouched', () => {
  const bytes = encodeBtfValue(btf, recordId, { name: 'abc', color: 'GREEN', wide: 'WIDE', flags: 7, sbits: -8, big: 1n << 63n, ok: true, points: [{ b: 1, s: -1 }] });
  const back = decodeBtfValue(btf, recordId, bytes) as Record<string, BtfValue>;
  assert.equal(back.name, 'abc');
  assert.equal(back.color, 2);
  assert.equal(back.wide, 0x1ffffffffn);
  assert.deepEqual([back.flags, back.sbits, back.mode], [7, -8, 0]);
  assert.equal(back.big, 1n << 63n);
  assert.deepEqual(back.points, [{ b: 1, s: -1 }, { b: 0, s: 0 }]);
  const partial = encodeBtfValue(btf, recordId, { neg: 12 }, new Uint8Array(bytes));
  assert.equal((decodeBtfValue(btf, recordId, partial) as Record<string, BtfValue>).name, 'abc');
  const floats = btf.find('floats', 'struct');
  assert.ok(floats);
  assert.deepEqual(decodeBtfValue(btf, floats.id, encodeBtfValue(btf, floats.id, { f: 1.5, d: -2.25 })), { f: 1.5, d: -2.25 });
});

test('encoding refuses values that do not fit, saying where', () => {
  const bad = (value: BtfValue, pattern: RegExp): void => {
    assert.throws(() => encodeBtfValue(btf, recordId, value), (e: unknown) => e instanceof BtfError && pattern.test(e.message));
  };
  bad({ flags: 8 }, /\.flags: 8 does not fit in 3 unsigned bits/);
  bad({ neg: 2 ** 31 }, /\.neg: 2147483648 does not fit/);
  bad({ name: 'much too long' }, /\.name: string of 13 bytes does not fit in char\[8\]/);
  bad({ nope: 1 }, /has no member 'nope'/);
  bad({ color: 'PURPLE' }, /'PURPLE' is not an enumerator/);
  bad({ points: [{}, {}, {}] }, /3 elements do not fit in \[2\]/);
  bad({ neg: 1.5 }, /expected an integer/);
  bad({ mac: 'x' }, /a string only fits a char array/);
  assert.throws(() => decodeBtfValue(btf, recordId, new Uint8Array(100)), /needs 176 bytes at offset 0, the buffer has 100/);
});

test('decode then encode gives back the bytes, for any bytes (property)', () => {
  const point = (btf.find('point', 'struct') as { id: number }).id;
  // Padding bytes cannot survive a round trip through JavaScript values, so compare with padding cleared.
  const paddingFree = (id: number, bytes: Uint8Array): Uint8Array => encodeBtfValue(btf, id, decodeBtfValue(btf, id, bytes));
  fc.assert(fc.property(fc.uint8Array({ minLength: 176, maxLength: 176 }), (bytes) => {
    const once = paddingFree(recordId, bytes);
    assert.deepEqual(paddingFree(recordId, once), once);
    assert.deepEqual(decodeBtfValue(btf, recordId, once), decodeBtfValue(btf, recordId, bytes));
  }), { numRuns: 300 });
  fc.assert(fc.property(fc.uint8Array({ minLength: 4, maxLength: 4 }), (bytes) => {
    const expected = new Uint8Array(bytes);
    expected[1] = 0; // padding between b and s
    assert.deepEqual(paddingFree(point, bytes), expected);
  }), { numRuns: 200 });
});

test('encode then decode gives back the values (property)', () => {
  const b = new BtfBuilder();
  const u8 = b.int('unsigned char', 1);
  const s16 = b.int('short', 2, true);
  const u32 = b.int('unsigned int', 4);
  const s64 = b.int('long long', 8, true);
  const char = b.int('char', 1, true);
  const name = b.array(char, u32, 8);
  const s = b.struct('s', 24, [['a', u8, 0], ['b', s16, 16], ['c', u32, 32, 5], ['d', u32, 37, 27], ['e', s64, 64], ['name', name, 128]]);
  const t = new Btf(b.build());
  const text = fc.stringMatching(/^[ -~]{0,7}$/);
  fc.assert(fc.property(
    fc.record({ a: fc.integer({ min: 0, max: 255 }), b: fc.integer({ min: -32768, max: 32767 }), c: fc.integer({ min: 0, max: 31 }),
      d: fc.integer({ min: 0, max: 2 ** 27 - 1 }), e: fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }), name: text }),
    (value) => { assert.deepEqual(decodeBtfValue(t, s, encodeBtfValue(t, s, value)), { ...value }); },
  ), { numRuns: 300 });
});

test('global data decode as their DATASEC: one property per variable', () => {
  const data = map('btf_valu.data');
  assert.deepEqual(decodeBtfValue(btf, data.valueType, data.contents[0].value as Uint8Array), { counter: 42, greeting: 'abc' });
  const encoded = encodeBtfValue(btf, data.valueType, { counter: 7 }, new Uint8Array(data.contents[0].value as Uint8Array));
  assert.deepEqual(decodeBtfValue(btf, data.valueType, encoded), { counter: 7, greeting: 'abc' });
});

test('types that nest without end are refused, not followed forever', () => {
  const b = new BtfBuilder();
  const int = b.int('int', 4);
  b.struct('loop', 4, [['self', 2, 0]]); // a struct containing itself by value
  void int;
  const t = new Btf(b.build());
  assert.throws(() => decodeBtfValue(t, 2, new Uint8Array(4)), /nest deeper than 64/);
  assert.throws(() => formatBpftoolValue(t, 2, new Uint8Array(4)), /nest deeper than 64/);
  const big = new BtfBuilder();
  const empty = big.struct('empty', 0, []);
  big.array(empty, empty, 100000000);
  const t2 = new Btf(big.build());
  assert.throws(() => decodeBtfValue(t2, 2, new Uint8Array(0)), /zero-sized elements/);
});

interface Golden { cpus: number; dumps: Record<string, string> }
const golden = JSON.parse(readFileSync(join(fixturesDir, 'btf_values.bpftool.json'), 'utf8')) as Golden;

/** Our dump of the same entries, in bpftool's order, from the raw bytes bpftool printed. */
function ourDump(m: MapSpec, dump: string): string {
  const entries = JSON.parse(dump) as Array<{ key: string[]; value?: string[]; values?: Array<{ value: string[] }> }>;
  const bytes = (hex: string[]): Uint8Array => new Uint8Array(hex.map((h) => parseInt(h, 16)));
  return `[${entries.map((e) => formatBpftoolMapEntry(btf, m, bytes(e.key),
    e.values !== undefined ? e.values.map((v) => bytes(v.value)) : bytes(e.value as string[]))).join(',')}]`;
}

test('formatted output is what bpftool -j map dump prints (recorded on this machine)', () => {
  assert.equal(ourDump(map('records'), golden.dumps.records), golden.dumps.records);
  assert.equal(ourDump(map('per_cpu_points'), golden.dumps.per_cpu_points), golden.dumps.per_cpu_points);
  assert.equal(ourDump(map('btf_valu.data'), golden.dumps.btf_valu_data), golden.dumps.btf_valu_data);
});

test('without BTF there is no formatted part; floats print as numbers', () => {
  assert.equal(formatBpftoolMapEntry(null, { keyType: 0, valueType: 0 }, new Uint8Array([1]), new Uint8Array([2, 255])),
    '{"key":["0x01"],"value":["0x02","0xff"]}');
  const floats = btf.find('floats', 'struct');
  assert.ok(floats);
  assert.equal(formatBpftoolValue(btf, floats.id, encodeBtfValue(btf, floats.id, { f: 0.5, d: 1e300 })), '{"f":0.5,"d":1e+300}');
});
