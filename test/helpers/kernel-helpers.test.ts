// The kernel as the reference for helper semantics: bpf_snprintf (the
// formatting behind trace_printk too) on random formats and arguments, and
// bpf_csum_diff on random buffers, run through BPF_PROG_TEST_RUN and compared
// with tsbpf's implementations. Skipped where bpf() is refused.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { KernelProgram, VerifierRejectedError, type KernelMap } from '../../src/kernel/index.js';
import { bprintf } from '../../src/helpers/bprintf.js';
import { csumDiff } from '../../src/helpers/csum.js';
import { BPF_FUNC } from '../../src/helpers/ids.js';
import { EINVAL } from '../../src/maps/errno.js';
import { kernelSkipReason } from '../support/kernel.js';
import { call, constStringMap, exit, ldxW, mapValue, movImm, stxDw, valueMap, valueOf } from './kernel-programs.js';

const skip = kernelSkipReason();
const RUNS = Number(process.env.TSBPF_HELPER_DIFF_RUNS ?? 60);
const OUT = 248;
const POOL_SLOT = 64;
const enc = (s: string): Uint8Array => new TextEncoder().encode(s);

/** An argument: a number, or a pointer to bytes in the pool (strings, IP addresses). */
type Arg = { num: bigint } | { pool: Uint8Array };

interface Case { fmt: string; args: Arg[] }

// Literal text; it starts with a space or punctuation, since %s may not be followed by a letter or digit.
const printable = fc.tuple(
  fc.constantFrom('', ' ', '.', ':', ',', '=', '[', '\n'),
  fc.string({ unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)).filter((c) => c !== '%'), maxLength: 5 }),
).map(([a, b]) => (a === '' ? '' : a + b));
const flags = fc.array(fc.constantFrom('0', '+', '-', ' '), { maxLength: 2 }).map((f) => f.join(''));
const width = fc.oneof(fc.constant(''), fc.integer({ min: 1, max: 20 }).map(String));
const number = fc.oneof(fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }), fc.bigInt({ min: 0n, max: 300n }), fc.constantFrom(0n, 2n ** 63n, 2n ** 64n - 1n, 2n ** 31n));
const text = fc.oneof(
  { weight: 5, arbitrary: fc.string({ unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)), maxLength: 40 }).map(enc) },
  { weight: 1, arbitrary: fc.integer({ min: 40, max: 60 }).map((n) => enc('s'.repeat(n))) },
);

/** One conversion: its text and the argument it takes (none for %%). */
const conversion: fc.Arbitrary<{ text: string; arg?: Arg }> = fc.oneof(
  { weight: 6, arbitrary: fc.tuple(flags, width, fc.constantFrom('d', 'i', 'u', 'x', 'X', 'ld', 'lu', 'lx', 'lld', 'llu', 'llx', 'li', 'lX'), number).map(([f, w, c, n]) => ({ text: `%${f}${w}${c}`, arg: { num: n } })) },
  { weight: 2, arbitrary: fc.tuple(flags, width, fc.bigInt({ min: 32n, max: 126n })).map(([f, w, n]) => ({ text: `%${f}${w}c`, arg: { num: n } })) },
  { weight: 3, arbitrary: fc.tuple(flags, width, text).map(([f, w, t]) => ({ text: `%${f}${w}s`, arg: { pool: t } })) },
  { weight: 1, arbitrary: text.map((t) => ({ text: '%pks', arg: { pool: t } })) },
  { weight: 1, arbitrary: number.map((n) => ({ text: '%px', arg: { num: n } })) },
  { weight: 2, arbitrary: fc.tuple(fc.constantFrom('pI4', 'pi4', 'pI6', 'pi6'), fc.uint8Array({ minLength: 16, maxLength: 16 })).map(([c, b]) => ({ text: `%${c}`, arg: { pool: b } })) },
  { weight: 1, arbitrary: fc.constant({ text: '%%' }) },
  { weight: 1, arbitrary: fc.tuple(fc.constantFrom('o', '#x', '.2d', 'hd', 'zu', 'pa', 'p5', 'lc', 'q'), number).map(([c, n]) => ({ text: `%${c}`, arg: { num: n } })) },
);

const caseArb: fc.Arbitrary<Case> = fc.tuple(fc.array(fc.tuple(printable, conversion), { maxLength: 7 }), printable, fc.constantFrom(0, 0, 0, 0, -1, 1))
  .map(([parts, tail, extra]) => {
    const args = parts.flatMap(([, c]) => (c.arg ? [c.arg] : []));
    // Sometimes one argument too few (an error) or one too many (ignored).
    if (extra < 0 && args.length > 0) args.pop();
    if (extra > 0 && args.length < 12) args.push({ num: 7n });
    return { fmt: parts.map(([lit, c]) => lit + c.text).join('') + tail, args: args.slice(0, 12) };
  })
  .filter((c) => c.fmt.length < 250);

/** bpf_snprintf into a 248-byte map value, in the kernel: [ret, bytes] or 'rejected' when the verifier refuses the format. */
function kernelSnprintf(c: Case): { ret: bigint; out: Uint8Array } | 'rejected' {
  const maps: KernelMap[] = [];
  try {
    const fmt = constStringMap(enc(c.fmt));
    const out = valueMap(new Uint8Array(8 + OUT));
    const args = valueMap(new Uint8Array(96));
    const poolBytes = new Uint8Array(12 * POOL_SLOT);
    c.args.forEach((a, i) => { if ('pool' in a) poolBytes.set(a.pool.subarray(0, POOL_SLOT - 1), i * POOL_SLOT); });
    const pool = valueMap(poolBytes);
    maps.push(fmt, out, args, pool);
    const argValues = new Uint8Array(96);
    c.args.forEach((a, i) => { if ('num' in a) new DataView(argValues.buffer).setBigUint64(i * 8, a.num, true); });
    args.update(new Uint8Array(4), argValues);
    // Pointer arguments are map value addresses, which only the program knows: it stores them into args.
    const setPointers = c.args.flatMap((a, i) => ('pool' in a ? [...mapValue(6, pool.fd, i * POOL_SLOT), stxDw(7, i * 8, 6)] : []));
    const insns = [
      ...mapValue(7, args.fd, 0), ...setPointers,
      ...mapValue(1, out.fd, 8), movImm(2, OUT), ...mapValue(3, fmt.fd, 0), ...mapValue(4, args.fd, 0), movImm(5, c.args.length * 8), call(BPF_FUNC.snprintf),
      ...mapValue(1, out.fd, 0), stxDw(1, 0, 0), movImm(0, 0), exit(),
    ];
    let prog: KernelProgram;
    try {
      prog = KernelProgram.load({ type: 'BPF_PROG_TYPE_SOCKET_FILTER', insns });
    } catch (e) {
      if (e instanceof VerifierRejectedError) return 'rejected';
      throw e;
    }
    try {
      prog.testRun({ dataIn: new Uint8Array(64) });
    } finally {
      prog.close();
    }
    const v = valueOf(out);
    return { ret: new DataView(v.buffer).getBigInt64(0, true), out: v.subarray(8) };
  } finally {
    for (const m of maps) m.close();
  }
}

/** The same in tsbpf: [ret, bytes written]. */
function oursSnprintf(c: Case): { ret: bigint; out: Uint8Array } {
  const pointers = new Map<bigint, Uint8Array>();
  const args = c.args.map((a, i) => {
    if ('num' in a) return a.num;
    const p = 0x10000n + BigInt(i) * 0x100n;
    const bytes = new Uint8Array(POOL_SLOT);
    bytes.set(a.pool.subarray(0, POOL_SLOT - 1));
    pointers.set(p, bytes);
    return p;
  });
  const result = bprintf(enc(c.fmt), args, {
    string: (p, max) => {
      const b = pointers.get(p);
      if (!b) return null;
      const end = b.indexOf(0);
      return b.subarray(0, Math.min(end < 0 ? b.length : end, max - 1));
    },
    bytes: (p, size) => pointers.get(p)?.subarray(0, size) ?? null,
  });
  const out = new Uint8Array(OUT);
  if (typeof result === 'number') return { ret: BigInt(result), out };
  const n = Math.min(result.length, OUT - 1);
  out.set(result.subarray(0, n));
  return { ret: BigInt(result.length + 1), out };
}

test('kernel differential: bpf_snprintf formats like the kernel (random formats and arguments)', { skip }, () => {
  let rejected = 0;
  fc.assert(fc.property(caseArb, (c) => {
    const kernel = kernelSnprintf(c);
    const ours = oursSnprintf(c);
    if (kernel === 'rejected') {
      rejected++;
      assert.equal(ours.ret, BigInt(-EINVAL), `the kernel refuses ${JSON.stringify(c.fmt)}`);
      return;
    }
    assert.equal(ours.ret, kernel.ret, `return value for ${JSON.stringify(c.fmt)}`);
    const n = Math.max(0, Math.min(Number(kernel.ret), OUT));
    assert.deepEqual(Array.from(ours.out.subarray(0, n)), Array.from(kernel.out.subarray(0, n)), `output of ${JSON.stringify(c.fmt)}`);
  }), { numRuns: RUNS });
  assert.ok(rejected < RUNS / 2, `most formats are accepted (${rejected} of ${RUNS} refused)`);
});

/** bpf_csum_diff(from, from_size, to, to_size, seed) in an XDP program; the result lands in a map. */
function kernelCsumDiff(from: Uint8Array, to: Uint8Array, seed: number): bigint | 'rejected' {
  const fromMap = valueMap(from, Math.max(from.length, 8));
  const toMap = valueMap(to, Math.max(to.length, 8));
  const seedMap = valueMap(new Uint8Array(new Uint32Array([seed]).buffer));
  const out = valueMap(new Uint8Array(8));
  try {
    const insns = [
      ...mapValue(1, fromMap.fd), movImm(2, from.length), ...mapValue(3, toMap.fd), movImm(4, to.length),
      ...mapValue(5, seedMap.fd), ldxW(5, 5, 0), call(BPF_FUNC.csum_diff),
      ...mapValue(1, out.fd), stxDw(1, 0, 0), movImm(0, 2), exit(),
    ];
    let prog: KernelProgram;
    try {
      prog = KernelProgram.load({ type: 'BPF_PROG_TYPE_XDP', insns });
    } catch (e) {
      if (e instanceof VerifierRejectedError) return 'rejected';
      throw e;
    }
    try {
      prog.testRun({ dataIn: new Uint8Array(64) });
    } finally {
      prog.close();
    }
    return new DataView(valueOf(out).buffer).getBigInt64(0, true);
  } finally {
    for (const m of [fromMap, toMap, seedMap, out]) m.close();
  }
}

test('kernel differential: bpf_csum_diff on random buffers', { skip }, () => {
  const words = (max: number): fc.Arbitrary<Uint8Array> => fc.integer({ min: 0, max }).chain((n) => fc.uint8Array({ minLength: n * 4, maxLength: n * 4 }));
  fc.assert(fc.property(words(160), words(160), fc.oneof(fc.constant(0), fc.nat(), fc.constant(0xffffffff)), (from, to, seed) => {
    const kernel = kernelCsumDiff(from, to, seed >>> 0);
    if (kernel === 'rejected') return;
    assert.equal(((from.length | to.length) & 3) !== 0 ? BigInt(-EINVAL) : BigInt(csumDiff(from, to, seed >>> 0)), kernel);
  }), { numRuns: RUNS });
});
