// The verifier's 64-bit arithmetic on 32-bit halves (src/verifier/i64.ts,
// tnum-halves.ts) against the bigint reference it replaced on the hot paths
// (plain bigint arithmetic, src/verifier/tnum.ts), on random and edge values:
//   node --import tsx scripts/verifier-halves-check.ts [RUNS]
// Exit status 1 on the first difference (fast-check prints the counterexample).
import fc from 'fast-check';
import * as i64 from '../src/verifier/i64.js';
import { TN, tnAdd, tnAnd, tnIntersect, tnMul, tnOr, tnSub, tnXor } from '../src/verifier/tnum-halves.js';
import { tnumAdd, tnumAnd, tnumIntersect, tnumMul, tnumOr, tnumSub, tnumXor, type Tnum } from '../src/verifier/tnum.js';

const runs = Number(process.argv[2] ?? 20000);
const U64 = (1n << 64n) - 1n;
const EDGES = [0n, 1n, 2n, 7n, 0x7fffffffn, 0x80000000n, 0xffffffffn, 0x100000000n, 0x7fffffffffffffffn,
  0x8000000000000000n, U64 - 1n, U64, 0xffffffff00000000n, 0x00000000ffffffffn, 0x8000000000000001n];
const u64 = fc.oneof(fc.constantFrom(...EDGES), fc.bigInt({ min: 0n, max: U64 }), fc.bigInt({ min: 0n, max: 0xffffn }),
  fc.bigInt({ min: 0n, max: 0xffffffffn }).map((v) => (v | 0xffffffff00000000n)));
const tnum = fc.tuple(u64, u64).map(([v, m]): Tnum => ({ value: v & ~m & U64, mask: m }));
const shift = fc.integer({ min: 0, max: 63 });

const hi = i64.hiOf;
const lo = i64.loOf;
const pair = (h: number, l: number): bigint => i64.toBigU(h, l);
const s64 = (v: bigint): bigint => BigInt.asIntN(64, v);

function check(name: string, prop: fc.IProperty<never> | fc.IProperty<unknown[]>): void {
  const started = performance.now();
  fc.assert(prop as fc.IProperty<unknown>, { numRuns: runs });
  console.log(`ok  ${name} (${runs} runs, ${(performance.now() - started).toFixed(0)} ms)`);
}

check('compare u64/s64', fc.property(u64, u64, (a, b) => {
  const [ah, al, bh, bl] = [hi(a), lo(a), hi(b), lo(b)];
  return i64.ult(ah, al, bh, bl) === (a < b) && i64.ule(ah, al, bh, bl) === (a <= b) &&
    i64.slt(ah, al, bh, bl) === (s64(a) < s64(b)) && i64.sle(ah, al, bh, bl) === (s64(a) <= s64(b));
}));

check('add/sub and their overflows', fc.property(u64, u64, (a, b) => {
  const [ah, al, bh, bl] = [hi(a), lo(a), hi(b), lo(b)];
  const sumHi = i64.addHi(ah, al, bh, bl);
  const difHi = i64.subHi(ah, al, bh, bl);
  const sum = s64(a) + s64(b);
  const dif = s64(a) - s64(b);
  return pair(sumHi, (al + bl) | 0) === ((a + b) & U64) && pair(difHi, (al - bl) | 0) === ((a - b) & U64) &&
    i64.addOverflowsU(ah, al, bh, bl) === (a + b > U64) &&
    i64.addOverflowsS(ah, bh, sumHi) === (sum !== s64(sum)) && i64.subOverflowsS(ah, bh, difHi) === (dif !== s64(dif));
}));

check('shifts, fls64, to number', fc.property(u64, shift, (a, n) => {
  const [ah, al] = [hi(a), lo(a)];
  const sh = BigInt(n);
  return pair(i64.shlHi(ah, al, n), i64.shlLo(al, n)) === ((a << sh) & U64) &&
    pair(i64.shrHi(ah, n), i64.shrLo(ah, al, n)) === (a >> sh) &&
    pair(i64.sarHi(ah, n), i64.sarLo(ah, al, n)) === ((s64(a) >> sh) & U64) &&
    i64.fls64(ah, al) === (a === 0n ? 0 : a.toString(2).length) &&
    i64.toNumU(ah, al) === Number(a) && i64.toNumS(ah, al) === Number(s64(a)) && i64.toBigS(ah, al) === s64(a);
}));

check('mul u64/s64 with overflow', fc.property(u64, u64, (a, b) => {
  const [ah, al, bh, bl] = [hi(a), lo(a), hi(b), lo(b)];
  i64.mulU64(ah, al, bh, bl);
  const uOk = pair(i64.PRODUCT.hi, i64.PRODUCT.lo) === ((a * b) & U64) && i64.PRODUCT.overflow === (a * b > U64);
  i64.mulS64(ah, al, bh, bl);
  const p = s64(a) * s64(b);
  const sOk = i64.PRODUCT.overflow === (p !== s64(p)) && (i64.PRODUCT.overflow || pair(i64.PRODUCT.hi, i64.PRODUCT.lo) === (p & U64));
  return uOk && sOk && i64.mulLowHi(ah, al, bh, bl) === hi((a * b) & U64);
}));

type HalvesOp = (avh: number, avl: number, amh: number, aml: number, bvh: number, bvl: number, bmh: number, bml: number) => void;
const ops: Array<[string, HalvesOp, (a: Tnum, b: Tnum) => Tnum]> = [
  ['tnum add', tnAdd, tnumAdd], ['tnum sub', tnSub, tnumSub], ['tnum and', tnAnd, tnumAnd], ['tnum or', tnOr, tnumOr],
  ['tnum xor', tnXor, tnumXor], ['tnum mul', tnMul, tnumMul], ['tnum intersect', tnIntersect, tnumIntersect],
];
for (const [name, halves, reference] of ops) {
  check(name, fc.property(tnum, tnum, (a, b) => {
    halves(hi(a.value), lo(a.value), hi(a.mask), lo(a.mask), hi(b.value), lo(b.value), hi(b.mask), lo(b.mask));
    const want = reference(a, b);
    return pair(TN.vHi, TN.vLo) === want.value && pair(TN.mHi, TN.mLo) === want.mask;
  }));
}
console.log('verifier-halves-check: all agree');
