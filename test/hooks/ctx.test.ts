import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { CtxImage } from '../../src/hooks/ctx/image.js';
import { ipv4Of, ipv6Bytes } from '../../src/hooks/ctx/ip.js';
import { layoutOf, fieldOffset } from '../../src/hooks/ctx/layout.js';
import { sockaddrOf } from '../../src/hooks/ctx/sockaddr.js';

const layout = layoutOf({ name: 't', doc: '', fields: [{ name: 'a', type: '__u8' }, { name: 'b', type: '__u64' }, { name: 's', type: 'char', count: 24 }] });

test('layout follows C: natural alignment, padded size, nested paths', () => {
  assert.deepEqual(layout.fields.map((f) => [f.name, f.offset, f.size]), [['a', 0, 1], ['b', 8, 8], ['s', 16, 24]]);
  assert.equal(layout.size, 40);
  const outer = layoutOf({ name: 'o', doc: '', fields: [{ name: 'x', type: '__u16' }, { name: 'in', type: layout.def }] });
  assert.equal(fieldOffset(outer, 'in.s'), 8 + 16);
});

test('u64 writes any safe integer or bigint as its two\'s complement', () => {
  const img = new CtxImage(layout);
  fc.assert(fc.property(fc.oneof(fc.maxSafeInteger().map(Number), fc.bigInt()), (v) => {
    img.u64(8, v);
    assert.equal(img.view.getBigUint64(8, true), BigInt.asUintN(64, BigInt(v)));
  }), { numRuns: 500 });
});

test('str copies UTF-8 into a cleared field, cut at a character boundary, always NUL-terminated, and returns the whole length', () => {
  const img = new CtxImage(layout);
  fc.assert(fc.property(fc.string({ unit: fc.constantFrom('a', 'é', '€', '𝄞', 'z', '/') }), fc.integer({ min: 1, max: 24 }), (text, capacity) => {
    img.bytes.fill(0xaa);
    img.clear().bytes.fill(0xaa, 16 + capacity, 40);
    const n = img.str(16, capacity, text);
    const full = Buffer.from(text, 'utf8');
    assert.equal(n, full.length);
    const field = img.bytes.subarray(16, 16 + capacity);
    const end = field.indexOf(0);
    assert.ok(end >= 0 && end < capacity, 'NUL inside the field');
    assert.ok(field.subarray(end).every((b) => b === 0), 'the rest zeroed');
    const kept = Buffer.from(field.subarray(0, end)).toString('utf8');
    assert.ok(text.startsWith(kept), `${JSON.stringify(kept)} is a prefix of ${JSON.stringify(text)}`);
    if (full.length < capacity) assert.equal(kept, text);
    assert.ok(img.bytes.subarray(16 + capacity, 40).every((b) => b === 0xaa), 'nothing written past the field');
  }), { numRuns: 500 });
});

test('addresses: IPv4, IPv6 (with IPv4-mapped forms and zones), sockaddr layouts', () => {
  assert.deepEqual([...ipv6Bytes('::1')!], [...new Array(15).fill(0), 1]);
  assert.deepEqual([...ipv6Bytes('127.0.0.1')!], [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 255, 255, 127, 0, 0, 1]);
  assert.deepEqual([...ipv6Bytes('2001:db8::8a2e:370:7334')!], [0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0x8a, 0x2e, 0x03, 0x70, 0x73, 0x34]);
  assert.deepEqual([...ipv6Bytes('fe80::1%lo')!].slice(0, 2), [0xfe, 0x80]);
  assert.deepEqual([...ipv6Bytes('::ffff:10.1.2.3')!].slice(12), [10, 1, 2, 3]);
  assert.deepEqual([...ipv4Of('::ffff:10.1.2.3')!], [10, 1, 2, 3]);
  assert.equal(ipv6Bytes('nope'), null);
  const sa = sockaddrOf('127.0.0.1', 8080);
  assert.deepEqual([...sa.subarray(0, 8)], [2, 0, 0x1f, 0x90, 127, 0, 0, 1]);
  assert.equal(sockaddrOf('::1', 53).length, 28);
});
