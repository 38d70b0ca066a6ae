// bpf_l3_csum_replace and bpf_l4_csum_replace: the incremental updates agree
// with recomputing the checksum, and the helpers agree with the kernel's
// (BPF_PROG_TEST_RUN of a tc program) on random offsets, values and flags,
// valid or not, byte for byte in the packet and in the return value.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { csumAdd, csumFold, csumPartial } from '../../src/helpers/csum.js';
import {
  csumReplace2, csumReplace4, csumReplaceByDiff, inetProtoCsumReplace4, IpSummed,
} from '../../src/helpers/csum-replace.js';
import { HELPERS } from '../../src/helpers/table.js';
import { BPF_FUNC } from '../../src/helpers/ids.js';
import { newHelperContext } from '../../src/engine/abi.js';
import { Arena } from '../../src/memory/arena.js';
import { prepareTestRun } from '../../src/progtypes/test-run.js';
import { KernelProgram } from '../../src/kernel/index.js';
import { EFAULT, EINVAL } from '../../src/maps/errno.js';
import { kernelSkipReason } from '../support/kernel.js';
import { call, exit, insn, mapValue, movImm, stxDw, valueMap, valueOf } from './kernel-programs.js';

const skip = kernelSkipReason();
const RUNS = Number(process.env.TSBPF_HELPER_DIFF_RUNS ?? 60);
const le16 = (b: Uint8Array, at: number): number => b[at] | (b[at + 1] << 8);
const le32 = (b: Uint8Array, at: number): number => (le16(b, at) | (le16(b, at + 2) << 16)) >>> 0;

/** A 20-byte IPv4 header with its checksum (bytes 10..11) filled in. */
function withChecksum(header: Uint8Array): Uint8Array {
  const h = Uint8Array.from(header);
  h[10] = h[11] = 0;
  const sum = csumFold(csumPartial(h, 0));
  h[10] = sum & 0xff;
  h[11] = sum >> 8;
  return h;
}

/** One's-complement equality: 0x0000 and 0xffff are the same checksum. */
const sameChecksum = (a: number, b: number): boolean => a % 0xffff === b % 0xffff;

test('csum_replace2/4/by_diff give the checksum that recomputing gives', () => {
  fc.assert(fc.property(fc.uint8Array({ minLength: 20, maxLength: 20 }), fc.integer({ min: 0, max: 4 }), fc.uint8Array({ minLength: 4, maxLength: 4 }), (raw, word, next) => {
    const before = withChecksum(raw);
    const at = word === 2 ? 12 : word * 4; // never the checksum word itself
    const after = Uint8Array.from(before);
    after.set(next, at);
    const expected = withChecksum(after);
    const sum = le16(before, 10);
    const want = le16(expected, 10);
    assert.ok(sameChecksum(csumReplace4(sum, le32(before, at), le32(after, at)), want));
    assert.ok(sameChecksum(csumReplace2(csumReplace2(sum, le16(before, at), le16(after, at)), le16(before, at + 2), le16(after, at + 2)), want));
    const diff = csumAdd(~le32(before, at) >>> 0, le32(after, at));
    assert.ok(sameChecksum(csumReplaceByDiff(sum, diff), want));
  }), { numRuns: 300 });
});

test('inet_proto_csum_replace4: CHECKSUM_PARTIAL changes only pseudo-header fields; COMPLETE keeps skb->csum in step', () => {
  const partial = { ipSummed: IpSummed.CHECKSUM_PARTIAL, csum: 0 };
  assert.equal(inetProtoCsumReplace4(0x1234, partial, 0x01020304, 0x05060708, false), 0x1234);
  assert.notEqual(inetProtoCsumReplace4(0x1234, partial, 0x01020304, 0x05060708, true), 0x1234);
  const complete = { ipSummed: IpSummed.CHECKSUM_COMPLETE, csum: 0xdeadbeef };
  const none = { ipSummed: IpSummed.CHECKSUM_NONE, csum: 0xdeadbeef };
  assert.equal(inetProtoCsumReplace4(0x1234, complete, 1, 2, true), inetProtoCsumReplace4(0x1234, none, 1, 2, true));
  assert.notEqual(complete.csum, 0xdeadbeef);
  assert.equal(none.csum, 0xdeadbeef);
});

interface Case {
  readonly l4: boolean;
  readonly packet: Uint8Array;
  readonly offset: bigint;
  readonly from: bigint;
  readonly to: bigint;
  readonly flags: bigint;
}

const PACKET = 64;
const u64 = fc.oneof(fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }), fc.bigInt({ min: 0n, max: 0xffffn }), fc.bigInt({ min: 0n, max: 0xffffffffn }), fc.constant(0n));
const flagsArb = fc.tuple(
  fc.constantFrom(0n, 2n, 4n, 2n, 4n, 1n, 3n, 8n),
  fc.boolean(), fc.boolean(), fc.boolean(), fc.boolean(),
  fc.oneof({ weight: 9, arbitrary: fc.constant(0n) }, { weight: 1, arbitrary: fc.constantFrom(1n << 8n, 1n << 32n, 1n << 63n) }),
).map(([size, pseudo, mangled, enforce, ipv6, junk]) => size | (pseudo ? 1n << 4n : 0n) | (mangled ? 1n << 5n : 0n) | (enforce ? 1n << 6n : 0n) | (ipv6 ? 1n << 7n : 0n) | junk);
const caseArb: fc.Arbitrary<Case> = fc.record({
  l4: fc.boolean(),
  packet: fc.tuple(fc.uint8Array({ minLength: PACKET, maxLength: PACKET }), fc.boolean()).map(([p, zeroField]) => {
    p[12] = 0x88; // EtherType 0x88b5 (local experimental): no IP header checks in the test run
    p[13] = 0xb5;
    if (zeroField) p.fill(0, 24, 26);
    return p;
  }),
  offset: fc.oneof({ weight: 6, arbitrary: fc.constant(24n) }, { weight: 3, arbitrary: fc.integer({ min: 0, max: PACKET }).map(BigInt) }, { weight: 1, arbitrary: fc.constantFrom(BigInt(PACKET - 2), BigInt(PACKET - 1), 0x10000n, 0xfffen, 1n << 32n) }),
  from: u64,
  to: u64,
  flags: flagsArb,
});

/** The helper in the VM on a tc test-run skb: [r0, packet after]. */
function vmRun(c: Case): [bigint, Uint8Array] {
  const arena = new Arena();
  const prepared = prepareTestRun(arena, 'sched_cls', { dataIn: c.packet });
  try {
    const env = newHelperContext(arena, prepared.ctx);
    const helper = HELPERS.get(c.l4 ? BPF_FUNC.l4_csum_replace : BPF_FUNC.l3_csum_replace)!;
    const r0 = BigInt.asUintN(64, helper.fn(env, prepared.ctx, c.offset, c.from, c.to, c.flags));
    return [r0, prepared.output().dataOut ?? new Uint8Array(0)];
  } finally {
    prepared.release();
  }
}

/** The same call in the kernel: a tc program reads the arguments from a map and stores r0 back. */
function kernelRun(c: Case): [bigint, Uint8Array] {
  const args = new Uint8Array(40);
  const view = new DataView(args.buffer);
  [c.offset, c.from, c.to, c.flags].forEach((v, i) => view.setBigUint64(i * 8, v, true));
  const map = valueMap(args);
  try {
    const ldx = (dst: number, off: number) => insn(0x79, dst, 7, off, 0);
    const insns = [
      insn(0xbf, 6, 1, 0, 0), ...mapValue(7, map.fd), ldx(2, 0), ldx(3, 8), ldx(4, 16), ldx(5, 24), insn(0xbf, 1, 6, 0, 0),
      call(c.l4 ? BPF_FUNC.l4_csum_replace : BPF_FUNC.l3_csum_replace), stxDw(7, 32, 0), movImm(0, 0), exit(),
    ];
    const prog = KernelProgram.load({ type: 'BPF_PROG_TYPE_SCHED_CLS', insns });
    try {
      const result = prog.testRun({ dataIn: c.packet });
      return [new DataView(valueOf(map).buffer).getBigUint64(32, true), result.dataOut ?? new Uint8Array(0)];
    } finally {
      prog.close();
    }
  } finally {
    map.close();
  }
}

test('l3/l4_csum_replace: the errors the kernel gives', () => {
  const packet = new Uint8Array(PACKET);
  const run = (l4: boolean, offset: bigint, from: bigint, flags: bigint): bigint => BigInt.asIntN(64, vmRun({ l4, packet, offset, from, to: 1n, flags })[0]);
  assert.equal(run(false, 25n, 0n, 2n), BigInt(-EFAULT));
  assert.equal(run(false, BigInt(PACKET - 1), 0n, 2n), BigInt(-EFAULT));
  assert.equal(run(false, BigInt(PACKET), 0n, 2n), BigInt(-EFAULT));
  assert.equal(run(false, 24n, 0n, 1n << 4n), BigInt(-EINVAL));
  assert.equal(run(true, 24n, 0n, 1n << 8n), BigInt(-EINVAL));
  assert.equal(run(false, 24n, 5n, 0n), BigInt(-EINVAL));
  assert.equal(run(true, 24n, 0n, 3n), BigInt(-EINVAL));
  assert.equal(run(true, 24n, 0n, 3n | (1n << 5n)), 0n); // a zero field with BPF_F_MARK_MANGLED_0 returns before the size check
  assert.equal(run(false, BigInt(PACKET - 2), 0n, 2n), 0n);
});

test('kernel differential: bpf_l3_csum_replace and bpf_l4_csum_replace on random arguments', { skip }, () => {
  fc.assert(fc.property(caseArb, (c) => {
    const [vmR0, vmPacket] = vmRun(c);
    const [kR0, kPacket] = kernelRun(c);
    assert.equal(vmR0, kR0, `r0 for ${JSON.stringify({ ...c, packet: undefined }, (_, v) => (typeof v === 'bigint' ? `0x${v.toString(16)}` : v))}`);
    assert.deepEqual(vmPacket, kPacket);
  }), { numRuns: RUNS });
});
