import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Arena } from '../../src/memory/arena.js';
import { MemoryAccessError } from '../../src/memory/errors.js';
import { newHelperContext } from '../../src/engine/abi.js';
import { E2BIG, EFAULT, EINVAL, ENOTSUPP } from '../../src/maps/errno.js';
import { BPF_FUNC, HELPERS } from '../../src/helpers/index.js';
import {
  prepareTestRun, skbPacket, XdpBuff, SkbBuff, TestRunInputError, XDP_MD, SK_BUFF, PT_REGS, PT_REGS_SIZE, ptRegsForCall,
  allowedHelpers, helperAllowed, DESCRIBED_PROG_TYPES, contextKind,
} from '../../src/progtypes/index.js';
import { testEnv } from '../helpers/env.js';

const packet = (n: number, ethertype = 0x0800): Uint8Array => {
  const p = new Uint8Array(n).map((_, i) => i & 0xff);
  p[12] = ethertype >> 8;
  p[13] = ethertype & 0xff;
  return p;
};
const errnoOf = (f: () => unknown): number => {
  try { f(); return 0; } catch (e) { if (e instanceof TestRunInputError) return e.errno; throw e; }
};

test('xdp: xdp_md points at the packet (arena offsets), 256 bytes of headroom, regions', () => {
  const arena = new Arena();
  const run = prepareTestRun(arena, 'xdp', { dataIn: packet(60) });
  const xdp = run.context as XdpBuff;
  const v = arena.view;
  const ctx = arena.offsetOf(run.ctx);
  assert.equal(v.getUint32(ctx + XDP_MD.data, true), xdp.data);
  assert.equal(v.getUint32(ctx + XDP_MD.data_end, true) - v.getUint32(ctx + XDP_MD.data, true), 60);
  assert.equal(v.getUint32(ctx + XDP_MD.data_meta, true), xdp.data);
  assert.equal(v.getUint32(ctx + XDP_MD.ingress_ifindex, true), 1, 'the loopback device');
  assert.equal(xdp.data - xdp.hardStart, 256);
  arena.check(0, xdp.data, 60, true);
  assert.throws(() => arena.check(0, xdp.data - 1, 2, false), MemoryAccessError, 'the headroom is not packet');
  assert.throws(() => arena.check(0, ctx, 4, true), MemoryAccessError, 'xdp_md is read-only');
  assert.deepEqual(run.output().dataOut, packet(60));
  run.release();
  assert.equal(arena.regionAt(xdp.data), null);
});

test('xdp helpers: adjust_head grows into the headroom, adjust_meta, adjust_tail; data_out follows', () => {
  const t = testEnv();
  const run = prepareTestRun(t.arena, 'xdp', { dataIn: packet(40) });
  assert.equal(t.call('xdp_adjust_head', run.ctx, BigInt.asUintN(64, -20n)), 0n);
  assert.equal(t.call('xdp_adjust_meta', run.ctx, BigInt.asUintN(64, -8n)), 0n);
  assert.equal(t.signed('xdp_adjust_meta', run.ctx, BigInt.asUintN(64, -2n)), -13n, 'metadata must stay a multiple of 4 (-EACCES)');
  assert.equal(t.call('xdp_adjust_tail', run.ctx, BigInt.asUintN(64, -10n)), 0n);
  assert.equal(t.call('xdp_get_buff_len', run.ctx), 50n);
  const out = run.output().dataOut!;
  assert.equal(out.length, 8 + 50, 'metadata, then the packet');
  assert.deepEqual(out.subarray(28), packet(40).subarray(0, 30));
  assert.equal(t.signed('xdp_adjust_head', run.ctx, 1000n), BigInt(-EINVAL), 'leaves less than an Ethernet header');
  assert.equal(t.signed('xdp_adjust_head', run.ctx, BigInt.asUintN(64, -300n)), BigInt(-EINVAL), 'past the frame start');
  assert.equal(t.signed('xdp_adjust_tail', run.ctx, 5000n), BigInt(-EINVAL));
  assert.throws(() => t.call('xdp_adjust_head', 0n, 0n));
  run.release();
});

test('xdp: a ctx_in sets metadata and the linear size; the rest of the packet becomes fragments', () => {
  const arena = new Arena();
  const ctxIn = new Uint8Array(24);
  const v = new DataView(ctxIn.buffer);
  v.setUint32(XDP_MD.data, 4, true);
  v.setUint32(XDP_MD.data_end, 30, true);
  const run = prepareTestRun(arena, 'xdp', { dataIn: packet(100), ctxIn });
  const xdp = run.context as XdpBuff;
  assert.equal(xdp.data - xdp.dataMeta, 4);
  assert.equal(xdp.dataEnd - xdp.data, 26);
  assert.equal(xdp.bufferLength, 96);
  assert.deepEqual(run.output().dataOut, packet(100));
  assert.deepEqual(new Uint8Array(run.output().ctxOut!.buffer, 0, 8), new Uint8Array([4, 0, 0, 0, 30, 0, 0, 0]));
  assert.equal(xdp.adjustTail(-80), 0, 'fragments first, then the linear part');
  assert.equal(xdp.bufferLength, 16);
  assert.equal(xdp.frags.length, 0);
  const bad = (data: number, end: number): number => {
    const c = new Uint8Array(24);
    new DataView(c.buffer).setUint32(XDP_MD.data, data, true);
    new DataView(c.buffer).setUint32(XDP_MD.data_end, end, true);
    return errnoOf(() => prepareTestRun(new Arena(), 'xdp', { dataIn: packet(100), ctxIn: c }));
  };
  assert.equal(bad(2, 100), EINVAL);
  assert.equal(bad(0, 101), EINVAL);
  assert.equal(bad(220, 300), EINVAL);
  assert.equal(errnoOf(() => prepareTestRun(new Arena(), 'xdp', { dataIn: packet(13) })), EINVAL);
  assert.equal(errnoOf(() => prepareTestRun(new Arena(), 'xdp', { dataIn: packet(20), ctxIn: new Uint8Array(32).fill(1, 24) })), E2BIG);
});

test('skb: tc sees the Ethernet header, socket filters the network header; data_out puts a zeroed one back', () => {
  const arena = new Arena();
  const data = packet(64, 0x86dd);
  const tc = prepareTestRun(arena, 'sched_cls', { dataIn: data });
  const tcSkb = tc.context as SkbBuff;
  const v = arena.view;
  const field = (run: typeof tc, f: number): number => v.getUint32(arena.offsetOf(run.ctx) + f, true);
  assert.equal(field(tc, SK_BUFF.len), 64);
  assert.equal(field(tc, SK_BUFF.protocol), 0xdd86, 'ETH_P_IPV6 in network order');
  assert.equal(field(tc, SK_BUFF.ifindex), 1);
  assert.equal(field(tc, SK_BUFF.data_end) - field(tc, SK_BUFF.data), 64);
  assert.deepEqual(tc.output().dataOut, data);
  const sf = prepareTestRun(arena, 'socket_filter', { dataIn: data });
  assert.equal(field(sf, SK_BUFF.len), 50);
  const sfSkb = sf.context as SkbBuff;
  // LD_ABS's view: data and length, and the headers negative offsets reach (network at data, Ethernet 14 bytes before).
  assert.deepEqual(skbPacket(sf.ctx, newHelperContext(arena)),
    { offset: sfSkb.data, length: 50, head: sfSkb.headOffset, network: sfSkb.data, mac: sfSkb.data - 14 });
  assert.equal(skbPacket(0x1234n, newHelperContext(arena)), null);
  const out = sf.output().dataOut!;
  assert.deepEqual(out.subarray(0, 14), new Uint8Array(14));
  assert.deepEqual(out.subarray(14), data.subarray(14));
  assert.equal(tcSkb.len, 64);
});

test('skb: ctx_in fields the kernel takes, the ones it refuses, and ctx_out', () => {
  const arena = new Arena();
  const ctxIn = new Uint8Array(192);
  const v = new DataView(ctxIn.buffer);
  v.setUint32(SK_BUFF.mark, 7, true);
  v.setUint32(SK_BUFF.cb + 4, 99, true);
  const run = prepareTestRun(arena, 'sched_cls', { dataIn: packet(64), ctxIn });
  arena.view.setUint32(arena.offsetOf(run.ctx) + SK_BUFF.mark, 8, true);
  arena.view.setUint32(arena.offsetOf(run.ctx) + SK_BUFF.tc_index, 5, true);
  const out = new DataView(run.output().ctxOut!.buffer);
  assert.equal(out.getUint32(SK_BUFF.mark, true), 8, 'mark comes back as the program left it');
  assert.equal(out.getUint32(SK_BUFF.cb + 4, true), 99);
  assert.equal(out.getUint32(SK_BUFF.tc_index, true), 0, 'tc_index is not reported');
  assert.equal(out.getUint32(SK_BUFF.wire_len, true), 64);
  for (const field of [SK_BUFF.len, SK_BUFF.protocol, SK_BUFF.tc_index, SK_BUFF.data]) {
    const bad = new Uint8Array(192);
    bad[field] = 1;
    assert.equal(errnoOf(() => prepareTestRun(new Arena(), 'sched_cls', { dataIn: packet(64), ctxIn: bad })), EINVAL, `field at ${field}`);
  }
  assert.equal(errnoOf(() => prepareTestRun(new Arena(), 'sched_cls', { dataIn: packet(30, 0x0800) })), EINVAL, 'IPv4 without its header');
  assert.equal(errnoOf(() => prepareTestRun(new Arena(), 'socket_filter', { dataIn: packet(5000) })), EINVAL, 'larger than a page');
});

test('skb_load_bytes copies from skb->data; out of the packet it zeroes and returns -EFAULT', () => {
  const t = testEnv();
  const run = prepareTestRun(t.arena, 'socket_filter', { dataIn: packet(60) });
  const dst = t.region(8, new Uint8Array(8).fill(0xaa));
  assert.equal(t.call('skb_load_bytes', run.ctx, 2n, dst, 4n), 0n);
  assert.deepEqual(t.arena.bytes.slice(t.off(dst), t.off(dst) + 4), new Uint8Array([16, 17, 18, 19]));
  assert.equal(t.signed('skb_load_bytes', run.ctx, 44n, dst, 4n), BigInt(-EFAULT), '46 bytes after the Ethernet header');
  assert.deepEqual(t.arena.bytes.slice(t.off(dst), t.off(dst) + 4), new Uint8Array(4));
  assert.equal(t.signed('skb_load_bytes', run.ctx, 0xffffffffn, dst, 4n), BigInt(-EFAULT));
});

test('tracing contexts: pt_regs, u64 arguments, tracepoint records; read-only', () => {
  const arena = new Arena();
  const kprobe = prepareTestRun(arena, 'kprobe', { ctxIn: ptRegsForCall([1n, 2n, 3n], { rip: 0xffffffff81000000n }) });
  const at = arena.offsetOf(kprobe.ctx);
  assert.equal(arena.view.getBigUint64(at + PT_REGS.rsi, true), 2n);
  assert.equal(arena.view.getBigUint64(at + PT_REGS.rip, true), 0xffffffff81000000n);
  arena.check(0, at, PT_REGS_SIZE, false);
  assert.throws(() => arena.check(0, at, 8, true), MemoryAccessError);
  const raw = prepareTestRun(arena, 'raw_tracepoint', { ctxIn: new Uint8Array(16).fill(3) });
  assert.deepEqual(raw.output().ctxOut, new Uint8Array(16).fill(3));
  assert.equal(errnoOf(() => prepareTestRun(arena, 'raw_tracepoint', { ctxIn: new Uint8Array(12) })), EINVAL);
  assert.equal(errnoOf(() => prepareTestRun(arena, 'tracepoint', { dataIn: new Uint8Array(4) })), EINVAL, 'no data_in for tracing types');
  assert.equal(errnoOf(() => prepareTestRun(arena, 'cgroup_sock', {})), ENOTSUPP);
  assert.equal(contextKind('perf_event'), 'bpf_perf_event_data');
});

test('allowed helpers per program type', () => {
  assert.ok(helperAllowed('xdp', BPF_FUNC.xdp_adjust_head));
  assert.ok(!helperAllowed('xdp', BPF_FUNC.skb_load_bytes));
  // Linux 6.18 gives every type the current task's ids.
  assert.ok(helperAllowed('xdp', BPF_FUNC.get_current_pid_tgid));
  assert.ok(!helperAllowed('xdp', BPF_FUNC.skb_store_bytes));
  assert.ok(helperAllowed('socket_filter', BPF_FUNC.skb_load_bytes));
  assert.ok(!helperAllowed('socket_filter', BPF_FUNC.csum_diff));
  assert.ok(helperAllowed('sched_cls', BPF_FUNC.csum_diff));
  assert.ok(helperAllowed('kprobe', BPF_FUNC.get_func_ip));
  assert.ok(!helperAllowed('tracepoint', BPF_FUNC.get_func_ip));
  assert.ok(helperAllowed('tracepoint', BPF_FUNC.get_current_comm));
  for (const type of DESCRIBED_PROG_TYPES) {
    assert.ok(allowedHelpers(type).has(BPF_FUNC.map_lookup_elem), `${type} has the base helpers`);
  }
  const everywhere = new Set(DESCRIBED_PROG_TYPES.flatMap((t) => [...allowedHelpers(t)]));
  for (const id of HELPERS.keys()) assert.ok(everywhere.has(id), `helper ${id} is allowed for some type`);
});

test('xdp_load_bytes / xdp_store_bytes reach into fragments; redirect gives the verdict and keeps the target', () => {
  const t = testEnv();
  const ctxIn = new Uint8Array(24);
  new DataView(ctxIn.buffer).setUint32(XDP_MD.data_end, 20, true);
  const run = prepareTestRun(t.arena, 'xdp', { dataIn: packet(100), ctxIn });
  const buf = t.region(16);
  assert.equal(t.call('xdp_load_bytes', run.ctx, 15n, buf, 10n), 0n);
  assert.deepEqual(t.arena.bytes.slice(t.off(buf), t.off(buf) + 10), packet(100).subarray(15, 25));
  assert.equal(t.signed('xdp_load_bytes', run.ctx, 95n, buf, 10n), BigInt(-EINVAL));
  assert.equal(t.signed('xdp_load_bytes', run.ctx, 0x10000n, buf, 1n), BigInt(-EFAULT));
  t.arena.bytes.fill(0xab, t.off(buf), t.off(buf) + 16);
  assert.equal(t.call('xdp_store_bytes', run.ctx, 18n, buf, 4n), 0n);
  assert.deepEqual(run.output().dataOut!.subarray(17, 23), new Uint8Array([17, 0xab, 0xab, 0xab, 0xab, 22]));
  t.env.ctx = run.ctx;
  assert.equal(t.call('redirect', 5n, 0n), 4n, 'XDP_REDIRECT');
  assert.deepEqual((run.context as XdpBuff).redirect, { ifindex: 5, flags: 0n });
  assert.equal(t.call('redirect', 5n, 1n), 0n, 'XDP_ABORTED for flags');
  const tc = prepareTestRun(t.arena, 'sched_cls', { dataIn: packet(60) });
  t.env.ctx = tc.ctx;
  assert.equal(t.call('redirect', 3n, 1n), 7n, 'TC_ACT_REDIRECT (ingress)');
  assert.equal(t.call('redirect', 3n, 2n), 2n, 'TC_ACT_SHOT');
  assert.equal(t.call('skb_store_bytes', tc.ctx, 2n, buf, 4n, 0n), 0n);
  assert.deepEqual(tc.output().dataOut!.subarray(0, 8), new Uint8Array([0, 1, 0xab, 0xab, 0xab, 0xab, 6, 7]));
  assert.equal(t.signed('skb_store_bytes', tc.ctx, 58n, buf, 4n, 0n), BigInt(-EFAULT));
  assert.equal(t.signed('skb_store_bytes', tc.ctx, 0n, buf, 4n, 4n), BigInt(-EINVAL));
});
