import { BPF_RB_FORCE_WAKEUP, BPF_RB_NO_WAKEUP, BPF_RINGBUF_BUSY_BIT, BPF_RINGBUF_DISCARD_BIT, BPF_RINGBUF_HDR_SZ } from '../../../maps/flags.js';
import { RINGBUF_CONSUMER_POS, RINGBUF_PENDING_POS, RINGBUF_PRODUCER_POS, type RingBufMap } from '../../../maps/ringbuf-map.js';
import { ARENA_BASE } from '../../../memory/arena.js';
import type { InlineSite } from '../inline.js';
import { I32, I64, Op, VOID } from '../wasm-opcodes.js';

const PAGE_SIZE = 4096;
/** RINGBUF_MAX_RECORD_SZ (0xffffffff / 4): larger sizes are refused. */
const MAX_RECORD = Math.floor(0xffffffff / 4);

/** A ring's layout, fixed when the map is created (src/maps/ringbuf-map.ts). */
interface RingLayout {
  readonly positions: number;
  readonly data: number;
  readonly size: number;
}

const layoutOf = (ring: RingBufMap): RingLayout => ({ positions: ring.positionsOffset, data: ring.dataOffset, size: ring.size });

/**
 * r0 = RingBufMap.reserveRecord(size) in WebAssembly, for a ring known at
 * compile time: the helper's checks (flags r3 must be 0, size r2 at most 32
 * bits), then the kernel's __bpf_ringbuf_reserve() as the map writes it:
 * pending_pos moved past records no longer busy, room checked against the
 * consumer and pending positions, the header (size | BUSY, page offset)
 * written and producer_pos advanced, all in the arena. The record gets no
 * region: only verified code gets here (see RunSettings.trustedArguments).
 */
export function emitRingReserve(site: InlineSite, ring: RingBufMap): void {
  const e = site.emitter;
  const w = e.w;
  const { positions: P, data, size: ringSize } = layoutOf(ring);
  const mask = ringSize - 1;
  const size = e.scratch(I64, 0);
  const len = e.scratch(I64, 1);
  const prod = e.scratch(I64, 2);
  const pend = e.scratch(I64, 3);
  const hdrLen = e.scratch(I32, 0);
  const hdr = e.scratch(I32, 1);
  const failIf = (): void => {
    // (condition on the stack) -> r0 = NULL, leave $done
    w.u8x2(Op.if, VOID);
    e.i64(0);
    e.set(0);
    w.u8x2(Op.br, 1);
    w.u8(Op.end);
  };
  w.u8x2(Op.block, VOID); // $done
  // bpf_ringbuf_reserve(): flags must be 0, the size must fit 32 bits
  e.get(3);
  w.u8(Op.i64_eqz);
  w.u8(Op.i32_eqz);
  failIf();
  e.get(2);
  e.localTee(size);
  e.i64(MAX_RECORD);
  w.u8(Op.i64_gt_u);
  failIf();
  // len = round_up(size + header, 8); too long for the ring: NULL
  e.localGet(size);
  e.i64(BPF_RINGBUF_HDR_SZ + 7);
  w.u8(Op.i64_add);
  e.i64(-8);
  w.u8(Op.i64_and);
  e.localTee(len);
  e.i64(ringSize);
  w.u8(Op.i64_gt_u);
  failIf();
  e.i32(0);
  e.mem(Op.i64_load, 3, P + RINGBUF_PRODUCER_POS);
  e.localSet(prod);
  e.i32(0);
  e.mem(Op.i64_load, 3, P + RINGBUF_PENDING_POS);
  e.localSet(pend);
  // while (pend < prod && !(header at pend is busy)) pend += its length
  w.u8x2(Op.block, VOID);
  w.u8x2(Op.loop, VOID);
  e.localGet(pend);
  e.localGet(prod);
  w.u8(Op.i64_ge_u);
  w.u8x2(Op.br_if, 1);
  e.localGet(pend);
  w.u8(Op.i32_wrap_i64);
  e.i32(mask);
  w.u8(Op.i32_and);
  e.mem(Op.i32_load, 2, data);
  e.localTee(hdrLen);
  e.i32(BPF_RINGBUF_BUSY_BIT | 0);
  w.u8(Op.i32_and);
  w.u8x2(Op.br_if, 1);
  e.localGet(pend);
  e.localGet(hdrLen);
  e.i32(~BPF_RINGBUF_DISCARD_BIT);
  w.u8(Op.i32_and);
  w.u8(Op.i64_extend_i32_u);
  e.i64(BPF_RINGBUF_HDR_SZ + 7);
  w.u8(Op.i64_add);
  e.i64(-8);
  w.u8(Op.i64_and);
  w.u8(Op.i64_add);
  e.localSet(pend);
  w.u8x2(Op.br, 0);
  w.u8(Op.end);
  w.u8(Op.end);
  e.i32(0);
  e.localGet(pend);
  e.mem(Op.i64_store, 3, P + RINGBUF_PENDING_POS);
  // new_prod = prod + len: no room past the consumer or the oldest busy record: NULL
  e.localGet(prod);
  e.localGet(len);
  w.u8(Op.i64_add);
  e.localTee(len); // len now holds new_prod
  e.i32(0);
  e.mem(Op.i64_load, 3, P + RINGBUF_CONSUMER_POS);
  w.u8(Op.i64_sub);
  e.i64(mask);
  w.u8(Op.i64_gt_u);
  e.localGet(len);
  e.localGet(pend);
  w.u8(Op.i64_sub);
  e.i64(mask);
  w.u8(Op.i64_gt_u);
  w.u8(Op.i32_or);
  failIf();
  // the header: size with the busy bit, then the page offset past the two control pages
  e.localGet(prod);
  w.u8(Op.i32_wrap_i64);
  e.i32(mask);
  w.u8(Op.i32_and);
  e.localTee(hdr);
  e.localGet(size);
  w.u8(Op.i32_wrap_i64);
  e.i32(BPF_RINGBUF_BUSY_BIT | 0);
  w.u8(Op.i32_or);
  e.mem(Op.i32_store, 2, data);
  e.localGet(hdr);
  e.localGet(hdr);
  e.i32(Math.log2(PAGE_SIZE));
  w.u8(Op.i32_shr_u);
  e.i32(2);
  w.u8(Op.i32_add);
  e.mem(Op.i32_store, 2, data + 4);
  e.i32(0);
  e.localGet(len);
  e.mem(Op.i64_store, 3, P + RINGBUF_PRODUCER_POS);
  // r0 = the sample, after the header
  e.localGet(hdr);
  w.u8(Op.i64_extend_i32_u);
  e.i64big(ARENA_BASE + BigInt(data + BPF_RINGBUF_HDR_SZ));
  w.u8(Op.i64_add);
  e.set(0);
  w.u8(Op.end); // $done
}

/**
 * RingBufMap.commitRecord(sample = r1, flags = r2, discard) in WebAssembly
 * for `ring`, leaving r0 = 0 (the helpers return nothing): the busy bit
 * cleared (and the discard bit set), a record that ran into the mirror past
 * the ring's end copied to its start, and the consumer woken (a host call)
 * when the kernel would: BPF_RB_FORCE_WAKEUP, or the consumer caught up to
 * this record and no BPF_RB_NO_WAKEUP.
 */
export function emitRingCommit(site: InlineSite, ring: RingBufMap, discard: boolean, wakeUp: () => number): void {
  const e = site.emitter;
  const w = e.w;
  const { positions: P, data, size: ringSize } = layoutOf(ring);
  const mask = ringSize - 1;
  const hdr = e.scratch(I32, 0);
  const hdrLen = e.scratch(I32, 1);
  const end = e.scratch(I32, 2);
  e.get(1);
  w.u8(Op.i32_wrap_i64);
  e.i32(BPF_RINGBUF_HDR_SZ);
  w.u8(Op.i32_sub);
  e.localTee(hdr);
  e.mem(Op.i32_load, 2, 0);
  e.localSet(hdrLen);
  if (!discard) {
    // end = sample + size; past the ring's end: copy the tail from the mirror to the start
    e.localGet(hdr);
    e.i32(BPF_RINGBUF_HDR_SZ);
    w.u8(Op.i32_add);
    e.localGet(hdrLen);
    e.i32(~(BPF_RINGBUF_BUSY_BIT | BPF_RINGBUF_DISCARD_BIT));
    w.u8(Op.i32_and);
    w.u8(Op.i32_add);
    e.localTee(end);
    e.i32(data + ringSize);
    w.u8(Op.i32_gt_u);
    w.u8x2(Op.if, VOID);
    e.i32(data);
    e.i32(data + ringSize);
    e.localGet(end);
    e.i32(data + ringSize);
    w.u8(Op.i32_sub);
    w.bytes(Uint8Array.of(0xfc, 0x0a, 0x00, 0x00)); // memory.copy
    w.u8(Op.end);
  }
  e.localGet(hdr);
  e.localGet(hdrLen);
  e.i32(BPF_RINGBUF_BUSY_BIT | 0);
  w.u8(Op.i32_xor);
  if (discard) {
    e.i32(BPF_RINGBUF_DISCARD_BIT);
    w.u8(Op.i32_or);
  }
  e.mem(Op.i32_store, 2, 0);
  // wake-up: FORCE, or (consumer at this record and not NO_WAKEUP)
  e.get(2);
  w.u8(Op.i32_wrap_i64);
  e.i32(Number(BPF_RB_FORCE_WAKEUP));
  w.u8(Op.i32_and);
  e.i32(0);
  e.mem(Op.i32_load, 2, P + RINGBUF_CONSUMER_POS);
  e.i32(mask);
  w.u8(Op.i32_and);
  e.localGet(hdr);
  e.i32(data);
  w.u8(Op.i32_sub);
  w.u8(Op.i32_eq);
  e.get(2);
  w.u8(Op.i32_wrap_i64);
  e.i32(Number(BPF_RB_NO_WAKEUP));
  w.u8(Op.i32_and);
  w.u8(Op.i32_eqz);
  w.u8(Op.i32_and);
  w.u8(Op.i32_or);
  w.u8x2(Op.if, VOID);
  site.emitHostCall(wakeUp, []);
  w.u8(Op.drop);
  w.u8(Op.end);
  e.i64(0);
  e.set(0);
}
