// tnum_step on 32-bit halves against the members of the tnum, enumerated.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { hiOf, loOf, toBigU } from '../../src/verifier/i64.js';
import { STEP, tnStep } from '../../src/verifier/tnum-halves.js';

const U64 = (1n << 64n) - 1n;

/** Every value the tnum holds, ascending (masks of at most 10 bits). */
function members(value: bigint, mask: bigint): bigint[] {
  const bits: bigint[] = [];
  for (let b = 0n; b < 64n; b++) if ((mask >> b) & 1n) bits.push(1n << b);
  const out: bigint[] = [];
  for (let i = 0; i < 1 << bits.length; i++) {
    let v = value;
    bits.forEach((bit, j) => { if ((i >> j) & 1) v |= bit; });
    out.push(v);
  }
  return out.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

const tnumArb = fc.tuple(
  fc.bigInt({ min: 0n, max: U64 }),
  fc.uniqueArray(fc.integer({ min: 0, max: 63 }), { maxLength: 10 }),
).map(([v, positions]) => {
  const mask = positions.reduce((m, p) => m | (1n << BigInt(p)), 0n);
  return { value: v & ~mask & U64, mask };
});

test('tnum_step gives the next member above z, clamped to the smallest and largest', () => {
  fc.assert(fc.property(tnumArb, fc.bigInt({ min: 0n, max: U64 }), fc.nat(1023), (t, zRaw, pick) => {
    const all = members(t.value, t.mask);
    // Half the draws take z near a member, where the carries are.
    const z = pick % 2 === 0 ? (all[pick % all.length] + BigInt(pick % 3) - 1n) & U64 : zRaw;
    tnStep(hiOf(t.value), loOf(t.value), hiOf(t.mask), loOf(t.mask), hiOf(z), loOf(z));
    const tmax = t.value | t.mask;
    const expected = z >= tmax ? tmax : (all.find((m) => m > z) as bigint);
    assert.equal(toBigU(STEP.hi, STEP.lo), expected);
  }), { numRuns: 5000 });
});
