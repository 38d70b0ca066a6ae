// BPF_PROG_TEST_RUN as the reference for the contexts tsbpf builds: for random
// packets and ctx_in, the kernel and src/progtypes must agree on what each
// context field reads, on the XDP adjust helpers' results, and on data_out
// and ctx_out. The kernel side runs tiny hand-assembled programs; the tsbpf
// side reads the context straight from the arena (no engine needed).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { Arena } from '../../src/memory/arena.js';
import { KernelProgram, KernelError, VerifierRejectedError, type BpfProgTypeName } from '../../src/kernel/index.js';
import { BPF_FUNC } from '../../src/helpers/ids.js';
import {
  prepareTestRun, XdpBuff, SkbBuff, TestRunInputError, XDP_MD, SK_BUFF, SK_BUFF_SIZE, XDP_MD_SIZE, type ProgTypeName,
} from '../../src/progtypes/index.js';
import { kernelSkipReason } from '../support/kernel.js';
import { call, exit, insn, mapValue, movImm, stxDw, valueMap, valueOf } from '../helpers/kernel-programs.js';

const skip = kernelSkipReason();
const RUNS = Number(process.env.TSBPF_CTX_DIFF_RUNS ?? 25);

/** Reports a failure without printing packets of thousands of bytes. */
function shortReport<Ts>(details: fc.RunDetails<Ts>): void {
  if (!details.failed) return;
  const shown = JSON.stringify(details.counterexample, (_k, v) => (v instanceof Uint8Array && v.length > 64 ? `<${v.length} bytes>` : v));
  throw new Error(`property failed after ${details.numRuns} runs (seed ${details.seed}): ${shown}\n${String(details.errorInstance)}`);
}

const kernelType = (t: ProgTypeName): BpfProgTypeName => `BPF_PROG_TYPE_${t.toUpperCase()}` as BpfProgTypeName;
const ldx = (size: 4 | 8, dst: number, src: number, off: number) => insn(size === 8 ? 0x79 : 0x61, dst, src, off, 0);
const movReg = (dst: number, src: number) => insn(0xbf, dst, src, 0, 0);

const packet = fc.tuple(
  fc.constantFrom([0, 0, 0, 0, 0, 0], [0xff, 0xff, 0xff, 0xff, 0xff, 0xff], [0x01, 0x00, 0x5e, 0, 0, 1], [0x02, 0x11, 0x22, 0x33, 0x44, 0x55]),
  fc.constantFrom(0x0800, 0x86dd, 0x0806, 0x0100, 0x05dc, 0x8100),
  fc.uint8Array({ minLength: 0, maxLength: 120 }),
).map(([dest, ethertype, rest]) => {
  const p = new Uint8Array(14 + rest.length);
  p.set(dest);
  p.set([2, 0, 0, 0, 0, 1], 6);
  p[12] = ethertype >> 8;
  p[13] = ethertype & 0xff;
  p.set(rest, 14);
  return p;
});

interface KernelOutcome { errno: number; retval?: number; dataOut?: Uint8Array; ctxOut?: Uint8Array }

/** A kernel test run, or its errno. */
function kernelRun(prog: KernelProgram, dataIn: Uint8Array, ctxIn: Uint8Array | undefined, ctxOutSize: number): KernelOutcome {
  try {
    return { errno: 0, ...prog.testRun({ dataIn, ctxIn, ctxOutSize, dataOutSize: dataIn.length + 4096 }) };
  } catch (e) {
    if (e instanceof KernelError) return { errno: e.errno };
    throw e;
  }
}

function oursPrepare(type: ProgTypeName, dataIn: Uint8Array, ctxIn: Uint8Array | undefined, ctxOut = false) {
  const arena = new Arena();
  try {
    return { errno: 0, arena, run: prepareTestRun(arena, type, { dataIn, ctxIn, ctxOut }) };
  } catch (e) {
    if (e instanceof TestRunInputError) return { errno: e.errno, arena, run: undefined };
    throw e;
  }
}

test('kernel differential: XDP buffers, adjust_head/tail/meta, data_out and ctx_out', { skip }, () => {
  const op = fc.tuple(fc.constantFrom('head' as const, 'tail' as const, 'meta' as const), fc.oneof(fc.integer({ min: -300, max: 300 }), fc.integer({ min: -5000, max: 5000 })));
  // ctx_in: metadata length, where the linear part ends (relative to the packet size), ingress_ifindex, egress_ifindex.
  const ctx = fc.option(fc.tuple(fc.constantFrom(0, 4, 8, 32, 3, 36, 216, 220), fc.constantFrom(0, 0, -10, -100, 5, -100000), fc.constantFrom(0, 1), fc.constantFrom(0, 0, 0, 5)), { nil: undefined });
  // Mostly small packets, some larger than one frame (fragments).
  const packets = fc.oneof({ weight: 4, arbitrary: packet }, { weight: 1, arbitrary: fc.integer({ min: 3000, max: 12000 }).map((n) => new Uint8Array(n).map((_, i) => i * 7)) });
  fc.assert(fc.property(packets, fc.array(op, { maxLength: 4 }), ctx, fc.boolean(), (data, ops, c, wantCtxOut) => {
    let ctxIn: Uint8Array | undefined;
    if (c) {
      ctxIn = new Uint8Array(XDP_MD_SIZE);
      const v = new DataView(ctxIn.buffer);
      v.setUint32(XDP_MD.data, c[0], true);
      v.setUint32(XDP_MD.data_end, Math.max(0, data.length + c[1]), true);
      v.setUint32(XDP_MD.ingress_ifindex, c[2], true);
      v.setUint32(XDP_MD.egress_ifindex, c[3], true);
    }
    const results = valueMap(new Uint8Array(8 * 8));
    const helper = { head: BPF_FUNC.xdp_adjust_head, tail: BPF_FUNC.xdp_adjust_tail, meta: BPF_FUNC.xdp_adjust_meta };
    const insns = [
      movReg(6, 1),
      ...ops.flatMap(([which, delta], i) => [movReg(1, 6), movImm(2, delta), call(helper[which]), ...mapValue(1, results.fd, i * 8), stxDw(1, 0, 0)]),
      // What the program sees at the end: data, data_end, data_meta (pointers), ingress_ifindex, rx_queue_index.
      ...mapValue(7, results.fd, 32),
      ldx(4, 2, 6, XDP_MD.data_meta), ldx(4, 3, 6, XDP_MD.data), ldx(4, 4, 6, XDP_MD.data_end),
      insn(0x1f, 4, 3, 0, 0), insn(0x1f, 3, 2, 0, 0), stxDw(7, 0, 4), stxDw(7, 8, 3),
      ldx(4, 2, 6, XDP_MD.ingress_ifindex), stxDw(7, 16, 2), ldx(4, 2, 6, XDP_MD.rx_queue_index), stxDw(7, 24, 2),
      movImm(0, 2), exit(),
    ];
    const prog = KernelProgram.load({ type: 'BPF_PROG_TYPE_XDP', insns });
    try {
      const ctxOut = ctxIn !== undefined || wantCtxOut;
      const kernel = kernelRun(prog, data, ctxIn, ctxOut ? XDP_MD_SIZE : 0);
      const ours = oursPrepare('xdp', data, ctxIn, ctxOut);
      assert.equal(ours.errno, kernel.errno, 'test run refused alike');
      if (!ours.run) return;
      const xdp = ours.run.context as XdpBuff;
      const got = ops.map(([which, delta]) => BigInt(which === 'head' ? xdp.adjustHead(delta) : which === 'tail' ? xdp.adjustTail(delta) : xdp.adjustMeta(delta)));
      const k = valueOf(results);
      const kv = new DataView(k.buffer);
      assert.deepEqual(got, ops.map((_, i) => kv.getBigInt64(i * 8, true)), 'helper results');
      const mem = ours.arena.view;
      const field = (f: number): number => mem.getUint32(xdp.ctxOffset + f, true);
      assert.equal(BigInt(field(XDP_MD.data_end) - field(XDP_MD.data)), kv.getBigUint64(32, true), 'data_end - data');
      assert.equal(BigInt(field(XDP_MD.data) - field(XDP_MD.data_meta)), kv.getBigUint64(40, true), 'data - data_meta');
      assert.equal(BigInt(field(XDP_MD.ingress_ifindex)), kv.getBigUint64(48, true), 'ingress_ifindex');
      assert.equal(BigInt(field(XDP_MD.rx_queue_index)), kv.getBigUint64(56, true), 'rx_queue_index');
      const out = ours.run.output();
      assert.deepEqual(out.dataOut, kernel.dataOut, 'data_out');
      if (ctxOut) assert.deepEqual(out.ctxOut, kernel.ctxOut, 'ctx_out');
      ours.run.release();
    } finally {
      prog.close();
      results.close();
    }
  }), { numRuns: RUNS, reporter: shortReport });
});

/** __sk_buff fields read back with one program each (the verifier decides which a type may read). */
const SKB_FIELDS: ReadonlyArray<[keyof typeof SK_BUFF | `cb${number}`, number, 4 | 8]> = [
  ['len', SK_BUFF.len, 4], ['pkt_type', SK_BUFF.pkt_type, 4], ['mark', SK_BUFF.mark, 4], ['queue_mapping', SK_BUFF.queue_mapping, 4],
  ['protocol', SK_BUFF.protocol, 4], ['vlan_present', SK_BUFF.vlan_present, 4], ['vlan_tci', SK_BUFF.vlan_tci, 4],
  ['priority', SK_BUFF.priority, 4], ['ingress_ifindex', SK_BUFF.ingress_ifindex, 4], ['ifindex', SK_BUFF.ifindex, 4],
  ['tc_index', SK_BUFF.tc_index, 4], ['cb0', SK_BUFF.cb, 4], ['cb4', SK_BUFF.cb + 16, 4], ['hash', SK_BUFF.hash, 4],
  ['tc_classid', SK_BUFF.tc_classid, 4], ['napi_id', SK_BUFF.napi_id, 4], ['wire_len', SK_BUFF.wire_len, 4],
  ['gso_segs', SK_BUFF.gso_segs, 4], ['gso_size', SK_BUFF.gso_size, 4], ['tstamp', SK_BUFF.tstamp, 8], ['hwtstamp', SK_BUFF.hwtstamp, 8],
];

const skbCtx = fc.option(fc.record({
  mark: fc.nat(), priority: fc.nat(), cb: fc.array(fc.nat(), { minLength: 5, maxLength: 5 }), tstamp: fc.bigInt({ min: 0n, max: 2n ** 40n }),
  ingress: fc.constantFrom(0, 1), ifindex: fc.constantFrom(0, 1), wireLen: fc.constantFrom(0, 1, 5000, 70000), gsoSegs: fc.constantFrom(0, 3, 70000),
  gsoSize: fc.constantFrom(0, 1400, 0x12345), bad: fc.constantFrom(undefined, undefined, undefined, SK_BUFF.len, SK_BUFF.hash, SK_BUFF.tc_index),
}), { nil: undefined });

for (const type of ['sched_cls', 'socket_filter', 'cgroup_skb'] as const) {
  test(`kernel differential: ${type} skb fields, data_out and ctx_out`, { skip }, () => {
    // One program per field, storing it into a map (cgroup_skb must return 0 or 1); fields the verifier refuses for this type are left out.
    const seen = valueMap(new Uint8Array(8));
    const readers = SKB_FIELDS.flatMap(([name, off, size]) => {
      try {
        const insns = [ldx(size, 2, 1, off), ...mapValue(1, seen.fd), stxDw(1, 0, 2), movImm(0, 1), exit()];
        return [{ name, off, size, prog: KernelProgram.load({ type: kernelType(type), insns }) }];
      } catch (e) {
        if (e instanceof VerifierRejectedError) return [];
        throw e;
      }
    });
    // A program that writes the fields programs may change: they come back in ctx_out.
    const writes = [[SK_BUFF.mark, 0x1234], [SK_BUFF.priority, 9], [SK_BUFF.cb + 8, 77]] as const;
    let writer: KernelProgram | undefined;
    try {
      writer = KernelProgram.load({ type: kernelType(type), insns: [...writes.flatMap(([off, v]) => [movImm(2, v), insn(0x63, 1, 2, off, 0)]), movImm(0, 1), exit()] });
    } catch (e) {
      if (!(e instanceof VerifierRejectedError)) throw e;
    }
    try {
      assert.ok(readers.length >= 10, `${readers.length} readable fields`);
      fc.assert(fc.property(packet, skbCtx, (data, c) => {
        let ctxIn: Uint8Array | undefined;
        if (c) {
          ctxIn = new Uint8Array(SK_BUFF_SIZE);
          const v = new DataView(ctxIn.buffer);
          v.setUint32(SK_BUFF.mark, c.mark, true);
          v.setUint32(SK_BUFF.priority, c.priority, true);
          c.cb.forEach((x, i) => v.setUint32(SK_BUFF.cb + i * 4, x, true));
          v.setBigUint64(SK_BUFF.tstamp, c.tstamp, true);
          v.setUint32(SK_BUFF.ingress_ifindex, c.ingress, true);
          v.setUint32(SK_BUFF.ifindex, c.ifindex, true);
          v.setUint32(SK_BUFF.wire_len, c.wireLen, true);
          v.setUint32(SK_BUFF.gso_segs, c.gsoSegs, true);
          v.setUint32(SK_BUFF.gso_size, c.gsoSize, true);
          if (c.bad !== undefined) v.setUint32(c.bad, 1, true);
        }
        for (const r of readers) {
          const kernel = kernelRun(r.prog, data, ctxIn, 0);
          const ours = oursPrepare(type, data, ctxIn);
          assert.equal(ours.errno, kernel.errno, `test run refused alike (${r.name})`);
          if (!ours.run) return;
          const at = (ours.run.context as SkbBuff).ctxOffset + r.off;
          const mine = r.size === 8 ? ours.arena.view.getBigUint64(at, true) : BigInt(ours.arena.view.getUint32(at, true));
          assert.equal(mine, new DataView(valueOf(seen).buffer).getBigUint64(0, true), `field ${r.name}`);
          ours.run.release();
        }
        if (writer) {
          const kernel = kernelRun(writer, data, ctxIn, SK_BUFF_SIZE);
          const ours = oursPrepare(type, data, ctxIn, true);
          if (!ours.run) return;
          const skb = ours.run.context as SkbBuff;
          for (const [off, v] of writes) ours.arena.view.setUint32(skb.ctxOffset + off, v, true);
          const out = ours.run.output();
          assert.deepEqual(out.dataOut, kernel.dataOut, 'data_out');
          assert.deepEqual(out.ctxOut, kernel.ctxOut, 'ctx_out');
        }
      }), { numRuns: RUNS });
    } finally {
      for (const r of readers) r.prog.close();
      writer?.close();
      seen.close();
    }
  });
}
