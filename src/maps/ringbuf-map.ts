import type { Arena } from '../memory/arena.js';
import type { Region } from '../memory/region.js';
import type { ResolvedMapDefinition } from './definition.js';
import { BpfMap } from './bpf-map.js';
import { MapDefinitionError } from './errors.js';
import { EAGAIN, EINVAL, ENOTSUPP } from './errno.js';
import {
  BPF_F_NUMA_NODE, BPF_RB_AVAIL_DATA, BPF_RB_CONS_POS, BPF_RB_FORCE_WAKEUP, BPF_RB_NO_WAKEUP,
  BPF_RB_PROD_POS, BPF_RB_RING_SIZE, BPF_RINGBUF_BUSY_BIT, BPF_RINGBUF_DISCARD_BIT, BPF_RINGBUF_HDR_SZ,
} from './flags.js';

const PAGE_SIZE = 4096;
const RINGBUF_MAX_RECORD_SZ = 0xffffffff / 4;

/** Ring buffers of each arena, so that bpf_ringbuf_submit(sample) finds the ring of a sample. */
const rings = new WeakMap<Arena, Set<RingBufMap>>();

/** The ring buffer that reserved the sample at arena offset `offset`, if any. */
export function ringBufOfSample(arena: Arena, offset: number): RingBufMap | undefined {
  for (const ring of rings.get(arena) ?? []) if (ring.ownsSample(offset)) return ring;
  return undefined;
}

/** Offsets in the positions block: the kernel's consumer_pos, producer_pos and pending_pos (u64 each). */
export const RINGBUF_CONSUMER_POS = 0;
export const RINGBUF_PRODUCER_POS = 8;
export const RINGBUF_PENDING_POS = 16;

/**
 * The end of the record reserved without a region (RingBufMap.reserveRecord,
 * the JIT's fast path) whose data holds arena offset `offset`, or -1: what
 * probe-style helpers, which look for readable memory in the regions, find
 * there instead.
 */
export function untrackedRecordEnd(arena: Arena, offset: number): number {
  for (const ring of rings.get(arena) ?? []) {
    const end = ring.busyRecordEnd(offset);
    if (end >= 0) return end;
  }
  return -1;
}

/**
 * BPF_MAP_TYPE_RINGBUF: a multi-producer ring of variable-length records, the
 * kernel's layout: a consumer position, a producer position and the oldest
 * record that may still be busy (u64, at `positionsOffset`, +8 and +16: in
 * the arena, so that the JIT's inlined reserve and commit share them), then
 * the data area of max_entries bytes. Each
 * record has an 8-byte header (u32 length with BUSY and DISCARD bits, u32
 * page offset) and its data, padded to 8 bytes.
 *
 * The kernel maps the data pages twice in a row so that a record crossing the
 * end stays contiguous; here the data area is followed by a mirror of the
 * same size, a reservation that crosses the end is written into the mirror,
 * and its tail is copied to the start of the ring when it is committed
 * (consumers only read committed records, so they never see the difference).
 */
export class RingBufMap extends BpfMap {
  readonly positionsOffset: number;
  readonly dataOffset: number;
  readonly size: number;
  private readonly mask: number;
  /** Outstanding reservations: sample offset -> its region (null for empty samples). */
  private readonly reserved = new Map<number, Region | null>();
  private readonly listeners = new Set<() => void>();

  constructor(arena: Arena, def: ResolvedMapDefinition) {
    super(arena, def, (d) => {
      const fail = (why: string): never => { throw new MapDefinitionError(d.name, EINVAL, why); };
      if ((d.flags & ~BPF_F_NUMA_NODE) !== 0) fail(`map_flags 0x${d.flags.toString(16)}`);
      if (d.keySize !== 0 || d.valueSize !== 0) fail('key_size and value_size must be 0');
      const n = d.maxEntries;
      if (n < PAGE_SIZE || (n & (n - 1)) !== 0 || n % PAGE_SIZE !== 0) fail(`max_entries ${n} is not a power-of-2 multiple of the page size`);
    });
    this.size = def.maxEntries;
    this.mask = this.size - 1;
    this.positionsOffset = this.alloc(24);
    this.dataOffset = this.alloc(this.size * 2, 8);
    this.setDescriptorData(this.positionsOffset, this.dataOffset);
    let set = rings.get(arena);
    if (!set) rings.set(arena, (set = new Set()));
    set.add(this);
  }

  override close(): void {
    rings.get(this.arena)?.delete(this);
    super.close();
  }

  // Positions are u64 in the arena; as Numbers they are exact up to 2^53 bytes produced.
  private position(at: number): number {
    const v = this.arena.view;
    return v.getUint32(this.positionsOffset + at, true) + v.getUint32(this.positionsOffset + at + 4, true) * 0x1_0000_0000;
  }

  private setPosition(at: number, value: number): void {
    const v = this.arena.view;
    v.setUint32(this.positionsOffset + at, value >>> 0, true);
    v.setUint32(this.positionsOffset + at + 4, Math.floor(value / 0x1_0000_0000), true);
  }

  get consumerPos(): number { return this.position(RINGBUF_CONSUMER_POS); }
  get producerPos(): number { return this.position(RINGBUF_PRODUCER_POS); }
  /** Oldest record that may still be busy (the kernel's pending_pos). */
  get pendingPos(): number { return this.position(RINGBUF_PENDING_POS); }
  private set consumerPos(v: number) { this.setPosition(RINGBUF_CONSUMER_POS, v); }
  private set producerPos(v: number) { this.setPosition(RINGBUF_PRODUCER_POS, v); }
  private set pendingPos(v: number) { this.setPosition(RINGBUF_PENDING_POS, v); }

  /** Bytes produced and not yet consumed (ringbuf_avail_data_sz). */
  get availableData(): number { return this.producerPos - this.consumerPos; }

  ownsSample(offset: number): boolean {
    return this.reserved.has(offset);
  }

  /** The end of the busy (reserved, not committed) record whose data holds `offset`, or -1. */
  busyRecordEnd(offset: number): number {
    if (offset < this.dataOffset || offset >= this.dataOffset + 2 * this.size) return -1;
    const v = this.arena.view;
    const prod = this.producerPos;
    // Records before pending_pos are all committed: busy ones lie from there to the producer.
    for (let pos = this.pendingPos; pos < prod;) {
      const hdrLen = v.getUint32(this.headerAt(pos), true);
      const size = (hdrLen & ~BPF_RINGBUF_BUSY_BIT & ~BPF_RINGBUF_DISCARD_BIT) >>> 0;
      const sample = this.headerAt(pos) + BPF_RINGBUF_HDR_SZ;
      if ((hdrLen & BPF_RINGBUF_BUSY_BIT) !== 0 && offset >= sample && offset < sample + size) return sample + size;
      pos += (size + BPF_RINGBUF_HDR_SZ + 7) & ~7;
    }
    return -1;
  }

  private headerAt(pos: number): number {
    return this.dataOffset + (pos & this.mask);
  }

  /**
   * __bpf_ringbuf_reserve(): arena offset of the sample, or 0 when it does
   * not fit. The sample gets a region (what checked engines and helpers'
   * argument checks see) and is remembered for commit.
   */
  reserve(size: number): number {
    const sample = this.reserveRecord(size);
    if (sample !== 0) this.reserved.set(sample, size > 0 ? this.addRegion(sample, size, 'ringbuf', 'record', true) : null);
    return sample;
  }

  /**
   * The reservation itself, with no region and no record of it: for
   * verified code (the JIT's fast path), whose accesses and commit the
   * verifier has proven; commit it with commitRecord.
   */
  reserveRecord(size: number): number {
    if (size > RINGBUF_MAX_RECORD_SZ) return 0;
    const len = (size + BPF_RINGBUF_HDR_SZ + 7) & ~7;
    if (len > this.size) return 0;
    const v = this.arena.view;
    const consPos = this.consumerPos;
    const prodPos = this.producerPos;
    let pend = this.pendingPos;
    while (pend < prodPos) {
      const hdrLen = v.getUint32(this.headerAt(pend), true);
      if ((hdrLen & BPF_RINGBUF_BUSY_BIT) !== 0) break;
      pend += (((hdrLen & ~BPF_RINGBUF_DISCARD_BIT) >>> 0) + BPF_RINGBUF_HDR_SZ + 7) & ~7;
    }
    this.pendingPos = pend;
    const newProd = prodPos + len;
    if (newProd - consPos > this.mask || newProd - pend > this.mask) return 0;
    const hdr = this.headerAt(prodPos);
    v.setUint32(hdr, (size | BPF_RINGBUF_BUSY_BIT) >>> 0, true);
    v.setUint32(hdr + 4, Math.floor((hdr - this.dataOffset) / PAGE_SIZE) + 2, true); // pg_off past the two control pages
    this.producerPos = newProd;
    return hdr + BPF_RINGBUF_HDR_SZ;
  }

  /** bpf_ringbuf_commit(): submits or discards a reserved sample; false if `sample` is not outstanding. */
  commit(sample: number, flags: bigint, discard: boolean): boolean {
    if (!this.reserved.has(sample)) return false;
    const region = this.reserved.get(sample)!;
    this.reserved.delete(sample);
    if (region) this.removeRegion(region);
    this.commitRecord(sample, flags, discard);
    return true;
  }

  /** The commit itself, of a sample from reserveRecord (or reserve, once forgotten). */
  commitRecord(sample: number, flags: bigint, discard: boolean): void {
    const hdr = sample - BPF_RINGBUF_HDR_SZ;
    const v = this.arena.view;
    const hdrLen = v.getUint32(hdr, true);
    const size = (hdrLen & ~BPF_RINGBUF_BUSY_BIT & ~BPF_RINGBUF_DISCARD_BIT) >>> 0;
    // A record written past the end into the mirror: move its tail to the start of the ring.
    const end = sample + size;
    const ringEnd = this.dataOffset + this.size;
    if (!discard && end > ringEnd) this.copy(this.dataOffset, ringEnd, end - ringEnd);
    let newLen = (hdrLen ^ BPF_RINGBUF_BUSY_BIT) >>> 0;
    if (discard) newLen = (newLen | BPF_RINGBUF_DISCARD_BIT) >>> 0;
    v.setUint32(hdr, newLen, true);
    const recPos = hdr - this.dataOffset;
    const consPos = this.consumerPos & this.mask;
    if ((flags & BPF_RB_FORCE_WAKEUP) !== 0n || (consPos === recPos && (flags & BPF_RB_NO_WAKEUP) === 0n)) this.wakeUp();
  }

  /** bpf_ringbuf_output(): 0, -EINVAL for bad flags, -EAGAIN when full. */
  output(data: Uint8Array, flags: bigint): number {
    if ((flags & ~(BPF_RB_NO_WAKEUP | BPF_RB_FORCE_WAKEUP)) !== 0n) return -EINVAL;
    const sample = this.reserve(data.length);
    if (sample === 0) return -EAGAIN;
    this.arena.bytes.set(data, sample);
    this.commit(sample, flags, false);
    return 0;
  }

  /** bpf_ringbuf_query(). */
  query(flags: bigint): bigint {
    switch (flags) {
      case BPF_RB_AVAIL_DATA: return BigInt(this.availableData);
      case BPF_RB_RING_SIZE: return BigInt(this.size);
      case BPF_RB_CONS_POS: return BigInt(this.consumerPos);
      case BPF_RB_PROD_POS: return BigInt(this.producerPos);
      default: return 0n;
    }
  }

  /**
   * Consumes committed records in order, as libbpf's ring_buffer__consume:
   * stops at the first busy record, skips discarded ones, and advances the
   * consumer position. Returns copies of the records' data.
   */
  drain(limit = Infinity): Uint8Array[] {
    const out: Uint8Array[] = [];
    const v = this.arena.view;
    let cons = this.consumerPos;
    const prod = this.producerPos;
    while (cons < prod && out.length < limit) {
      const hdrLen = v.getUint32(this.headerAt(cons), true);
      if ((hdrLen & BPF_RINGBUF_BUSY_BIT) !== 0) break;
      const size = (hdrLen & ~BPF_RINGBUF_DISCARD_BIT) >>> 0;
      if ((hdrLen & BPF_RINGBUF_DISCARD_BIT) === 0) out.push(this.readRing(cons + BPF_RINGBUF_HDR_SZ, size));
      cons += (size + BPF_RINGBUF_HDR_SZ + 7) & ~7;
      this.consumerPos = cons;
    }
    return out;
  }

  private readRing(pos: number, size: number): Uint8Array {
    const out = new Uint8Array(size);
    const bytes = this.arena.bytes;
    const start = pos & this.mask;
    const first = Math.min(size, this.size - start);
    out.set(bytes.subarray(this.dataOffset + start, this.dataOffset + start + first));
    if (first < size) out.set(bytes.subarray(this.dataOffset, this.dataOffset + size - first), first);
    return out;
  }

  /** Calls `listener` when the kernel would wake a waiting consumer; returns a function that removes it. */
  onWakeup(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Wakes waiting consumers (the JIT's inlined commit calls it when the kernel would). */
  wakeUp(): void {
    for (const l of this.listeners) l();
  }

  override lookupElem(): number { return 0; }
  override updateElem(): number { return -ENOTSUPP; }
  override deleteElem(): number { return -ENOTSUPP; }
  protected override sysLookup(): number { return -ENOTSUPP; }
  protected getNextKey(): number { return -ENOTSUPP; }
}
