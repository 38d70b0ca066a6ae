import { HelperError } from '../../../helpers/errors.js';
import { BPF_FUNC } from '../../../helpers/ids.js';
import { EINVAL } from '../../../maps/errno.js';
import type { MapRegistry } from '../../../maps/registry.js';
import { RingBufMap } from '../../../maps/ringbuf-map.js';
import { BPF_RINGBUF_HDR_SZ } from '../../../maps/flags.js';
import type { HelperInliner, InlineSite } from '../inline.js';
import { I32, Op, VOID } from '../wasm-opcodes.js';
import { knownMap, pushOffset, setErrno, setPointerOrNull } from './known-map.js';
import { emitRingCommit, emitRingReserve } from './ringbuf-wasm.js';

/** The wakeup flags (BPF_RB_NO_WAKEUP, BPF_RB_FORCE_WAKEUP) as the ring's methods take them: the only bits they look at. */
const WAKEUP_FLAGS = [0n, 1n, 2n, 3n] as const;

const wakeUpFunctions = new WeakMap<RingBufMap, () => number>();

function wakeUpFunction(ring: RingBufMap): () => number {
  let fn = wakeUpFunctions.get(ring);
  if (!fn) wakeUpFunctions.set(ring, (fn = () => { ring.wakeUp(); return 0; }));
  return fn;
}

/** The ring buffers of the VM when the program is compiled (the rings its commits can meet). */
function ringsOf(registry: MapRegistry): RingBufMap[] {
  return [...registry.allMaps()].filter((m): m is RingBufMap => m instanceof RingBufMap);
}

/**
 * bpf_ringbuf_reserve in unchecked (verified) code, without the record's
 * region (RingBufMap.reserveRecord): in WebAssembly for a ring known at
 * compile time, else (a ring from a map of maps...) as a host call that
 * finds the ring from r1 at run time. Every reservation of unchecked code
 * goes this way, so that the commit inliner below meets only such records.
 */
export function ringbufReserveInliner(registry: MapRegistry): HelperInliner {
  return (site: InlineSite): boolean => {
    if (site.emitter.ctx.checked) return false;
    const known = knownMap(site, registry);
    if (known instanceof RingBufMap) {
      emitRingReserve(site, known);
      return true;
    }
    const pc = site.pc;
    const reserve = (map: number, size: number): number => {
      const ring = registry.fromDescriptor(map >>> 0);
      if (!(ring instanceof RingBufMap)) throw new HelperError(pc, 'bpf_ringbuf_reserve', `0x${registry.arena.pointer(map >>> 0).toString(16)} is not a ring buffer`);
      return ring.reserveRecord(size >>> 0);
    };
    const e = site.emitter;
    const w = e.w;
    // the helper's checks: flags (r3) 0 and a size (r2) of 32 bits, else NULL
    e.get(3);
    w.u8(Op.i64_eqz);
    e.get(2);
    e.i64(0xffffffff);
    w.u8(Op.i64_le_u);
    w.u8(Op.i32_and);
    w.u8x2(Op.if, I32);
    site.emitHostCall(reserve, [() => pushOffset(site, 1), () => pushOffset(site, 2)]);
    w.u8(Op.else);
    e.i32(0);
    w.u8(Op.end);
    setPointerOrNull(site);
    return true;
  };
}

/**
 * bpf_ringbuf_submit / bpf_ringbuf_discard in unchecked (verified) code: the
 * verifier has proven r1 is a record this run reserved and still holds. The
 * commit runs in WebAssembly for the ring whose data holds r1 among the
 * rings known at compile time, else as a host call that finds the ring.
 */
export function ringbufCommitInliner(registry: MapRegistry, discard: boolean): HelperInliner {
  const name = discard ? 'bpf_ringbuf_discard' : 'bpf_ringbuf_submit';
  return (site: InlineSite): boolean => {
    if (site.emitter.ctx.checked) return false;
    const arena = registry.arena;
    const pc = site.pc;
    const commitAny = (sample: number, flags: number): number => {
      const at = sample >>> 0;
      const ring = ringsOf(registry).find((r) => at >= r.dataOffset + BPF_RINGBUF_HDR_SZ && at < r.dataOffset + r.size + BPF_RINGBUF_HDR_SZ);
      if (!ring) throw new HelperError(pc, name, `0x${arena.pointer(at).toString(16)} is not a reserved ring buffer record`);
      if (ring.ownsSample(at)) ring.commit(at, WAKEUP_FLAGS[flags & 3], discard);
      else ring.commitRecord(at, WAKEUP_FLAGS[flags & 3], discard);
      return 0;
    };
    const e = site.emitter;
    const w = e.w;
    const rings = ringsOf(registry);
    for (const ring of rings) {
      // r1 - (data + header) < size: a sample of this ring
      pushOffset(site, 1);
      e.i32(ring.dataOffset + BPF_RINGBUF_HDR_SZ);
      w.u8(Op.i32_sub);
      e.i32(ring.size);
      w.u8(Op.i32_lt_u);
      w.u8x2(Op.if, VOID);
      emitRingCommit(site, ring, discard, wakeUpFunction(ring));
      w.u8(Op.else);
    }
    site.emitHostCall(commitAny, [() => pushOffset(site, 1), () => pushOffset(site, 2)]);
    w.u8(Op.i64_extend_i32_u);
    e.set(0);
    for (let i = 0; i < rings.length; i++) w.u8(Op.end);
    return true;
  };
}

const outputFunctions = new WeakMap<RingBufMap, (data: number, size: number, flags: number) => number>();

function outputFunction(ring: RingBufMap): (data: number, size: number, flags: number) => number {
  let fn = outputFunctions.get(ring);
  if (!fn) {
    const arena = ring.arena;
    outputFunctions.set(ring, (fn = (data, size, flags) => ring.output(arena.bytes.slice(data >>> 0, (data >>> 0) + (size >>> 0)), WAKEUP_FLAGS[flags & 3])));
  }
  return fn;
}

/** bpf_ringbuf_output on a known ring buffer: -EINVAL for unknown flags bits, else a host call to the ring's output. */
export function ringbufOutputInliner(registry: MapRegistry): HelperInliner {
  return (site: InlineSite): boolean => {
    const ring = knownMap(site, registry);
    if (!(ring instanceof RingBufMap)) return false;
    const e = site.emitter;
    const w = e.w;
    e.get(4);
    e.i64(-4); // ~(BPF_RB_NO_WAKEUP | BPF_RB_FORCE_WAKEUP)
    w.u8(Op.i64_and);
    w.u8(Op.i64_eqz);
    w.u8x2(Op.if, I32);
    site.emitHostCall(outputFunction(ring), [() => pushOffset(site, 2), () => pushOffset(site, 3), () => pushOffset(site, 4)]);
    w.u8(Op.else);
    e.i32(-EINVAL);
    w.u8(Op.end);
    setErrno(site);
    return true;
  };
}

export const RINGBUF_IDS = {
  output: BPF_FUNC.ringbuf_output,
  reserve: BPF_FUNC.ringbuf_reserve,
  submit: BPF_FUNC.ringbuf_submit,
  discard: BPF_FUNC.ringbuf_discard,
} as const;
