import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { csumPartial, csumFold, csumDiff, csumFrom32to16 } from '../../src/helpers/csum.js';
import { EINVAL } from '../../src/maps/errno.js';
import { testEnv } from './env.js';

/** RFC 1071 reference: 16-bit big-endian words summed with end-around carry. */
function rfc1071(data: Uint8Array): number {
  let sum = 0;
  for (let i = 0; i < data.length; i += 2) sum += (data[i] << 8) | (data[i + 1] ?? 0);
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return sum;
}

const swap16 = (v: number): number => ((v & 0xff) << 8) | (v >> 8);

test('csum_partial folds to the RFC 1071 sum (byte order of the host)', () => {
  fc.assert(fc.property(fc.uint8Array({ maxLength: 300 }), (data) => {
    const even = data.length % 2 === 0 ? data : Uint8Array.from([...data, 0]);
    // csum_fold complements; on a little-endian host the folded value is the byte-swapped RFC sum.
    assert.equal(swap16(~csumFold(csumPartial(data, 0)) & 0xffff) % 0xffff, rfc1071(even) % 0xffff);
  }), { numRuns: 300 });
});

test('csum_partial: an IPv4 header checksums to zero', () => {
  const ip = Uint8Array.from([0x45, 0x00, 0x00, 0x73, 0x00, 0x00, 0x40, 0x00, 0x40, 0x11, 0xb8, 0x61, 0xc0, 0xa8, 0x00, 0x01, 0xc0, 0xa8, 0x00, 0xc7]);
  assert.equal(csumFold(csumPartial(ip, 0)), 0);
});

test('csum_diff: the difference of two buffers updates a checksum as recomputing does', () => {
  fc.assert(fc.property(fc.uint8Array({ minLength: 20, maxLength: 20 }), fc.uint8Array({ minLength: 4, maxLength: 4 }), (header, newWord) => {
    const before = csumPartial(header, 0);
    const after = Uint8Array.from(header);
    after.set(newWord, 8);
    const diff = csumDiff(header.subarray(8, 12), newWord, before);
    assert.equal(csumFold(diff), csumFold(csumPartial(after, 0)));
  }), { numRuns: 300 });
  assert.equal(csumFrom32to16(0xffffffff), 0xffff);
  assert.equal(csumDiff(new Uint8Array(0), new Uint8Array(0), 0x12345678), csumFrom32to16(0x12345678));
});

test('csum_diff helper reads arena memory; any sizes, as Linux 6.12 and later', () => {
  const t = testEnv();
  const from = t.region(8, Uint8Array.from([1, 2, 3, 4, 5, 6, 7, 8]));
  const to = t.region(8, Uint8Array.from([8, 7, 6, 5, 4, 3, 2, 1]));
  assert.equal(t.call('csum_diff', from, 8n, to, 8n, 0n), BigInt(csumDiff(Uint8Array.from([1, 2, 3, 4, 5, 6, 7, 8]), Uint8Array.from([8, 7, 6, 5, 4, 3, 2, 1]), 0)));
  assert.equal(t.call('csum_diff', from, 6n, to, 8n, 0n), BigInt(csumDiff(Uint8Array.from([1, 2, 3, 4, 5, 6]), Uint8Array.from([8, 7, 6, 5, 4, 3, 2, 1]), 0)));
  // Measured on Linux 6.18: three bytes of the u32 0x01020304 against four of 0x0a0b0c0d gives 4882.
  const a = t.region(4, Uint8Array.from([4, 3, 2, 1]));
  const b = t.region(4, Uint8Array.from([0x0d, 0x0c, 0x0b, 0x0a]));
  assert.equal(t.call('csum_diff', a, 3n, b, 4n, 0n), 4882n);
  assert.equal(t.call('csum_diff', 0n, 0n, 0n, 0n, 0xabcdn), 0xabcdn);
});
