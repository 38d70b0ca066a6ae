import type { Arena } from '../memory/arena.js';
import type { Region } from '../memory/region.js';
import { EACCES, E2BIG, EINVAL, ENOMEM } from '../maps/errno.js';
import { TestRunInputError } from './errors.js';
import { registerContext, unregisterContext, type ProgramContext } from './context-registry.js';
import {
  ETH_HLEN, SKB_SHARED_INFO_SIZE, XDP_FRAME_STRUCT_SIZE, XDP_MD, XDP_MD_SIZE, XDP_PACKET_HEADROOM, XDP_TEST_FRAME_SIZE,
} from './xdp-md.js';

/** ifindex of the loopback device, whose rx queue 0 a test run uses by default. */
const LOOPBACK_IFINDEX = 1;
const PAGE_SIZE = 4096;
/** MAX_SKB_FRAGS: pages a multi-buffer packet may have besides its linear part. */
const MAX_SKB_FRAGS = 17;

/**
 * xdp_metalen_invalid(): metadata is a multiple of 4 bytes and fits the u8
 * metasize of struct xdp_frame (kernels before 6.18 allowed 32 bytes only);
 * the headroom left for the xdp_frame bounds it further (216 bytes).
 */
const metalenInvalid = (len: number): boolean => (len & 3) !== 0 || len > 255;
const MAX_TEST_RUN_META = XDP_PACKET_HEADROOM - XDP_FRAME_STRUCT_SIZE;

/**
 * The kernel's struct xdp_buff for a test run, in the arena: one 4 KiB frame
 * (256 bytes of headroom, the linear packet, 320 bytes of tailroom kept for
 * skb_shared_info) and a struct xdp_md whose data, data_end and data_meta
 * hold the low 32 bits of the packet pointers (their arena offsets; engines
 * accept zero-extended offsets as pointers). Regions: ctx (read-only),
 * packet_meta [data_meta, data), packet [data, data_end).
 *
 * As in kernels since 6.18, what does not fit the linear part (or lies past
 * the ctx_in's data_end) goes into fragments of up to a page each; programs
 * see only the linear part, bpf_xdp_get_buff_len() counts the fragments,
 * bpf_xdp_adjust_tail() grows or shrinks the last fragment, and data_out
 * carries metadata, linear part and fragments.
 */
export class XdpBuff implements ProgramContext {
  readonly kind = 'xdp';
  readonly ctxOffset: number;
  readonly hardStart: number;
  readonly frameSize = XDP_TEST_FRAME_SIZE;
  dataMeta: number;
  data: number;
  dataEnd: number;
  /** Fragment pages (skb_shared_info frags), each at most PAGE_SIZE bytes. */
  readonly frags: Uint8Array[] = [];
  private readonly ctxIn: Uint8Array;
  private regions: Region[] = [];
  /** Whether the headroom has been part of the packet or its metadata since the buffer was made or reloaded. */
  private headroomExposed = false;
  private readonly ctxRegion: Region;
  private released = false;

  private constructor(private readonly arena: Arena, dataIn: Uint8Array, ctxIn: Uint8Array, metaLen: number, linear: number) {
    this.ctxIn = ctxIn;
    this.hardStart = arena.alloc(XDP_TEST_FRAME_SIZE, 64);
    this.ctxOffset = arena.alloc(XDP_MD_SIZE);
    this.dataMeta = this.hardStart + XDP_PACKET_HEADROOM - metaLen;
    this.data = this.hardStart + XDP_PACKET_HEADROOM;
    this.dataEnd = this.dataMeta + linear;
    arena.bytes.set(dataIn.subarray(0, linear), this.dataMeta);
    for (let at = linear; at < dataIn.length; at += PAGE_SIZE) this.frags.push(dataIn.slice(at, Math.min(at + PAGE_SIZE, dataIn.length)));
    const view = arena.view;
    const ctxView = new DataView(ctxIn.buffer, ctxIn.byteOffset, ctxIn.byteLength);
    const ifindex = ctxView.getUint32(XDP_MD.ingress_ifindex, true);
    view.setUint32(this.ctxOffset + XDP_MD.ingress_ifindex, ifindex || LOOPBACK_IFINDEX, true);
    view.setUint32(this.ctxOffset + XDP_MD.rx_queue_index, ctxView.getUint32(XDP_MD.rx_queue_index, true), true);
    this.ctxRegion = arena.addRegion(this.ctxOffset, XDP_MD_SIZE, 'ctx', 'xdp_md', false);
    this.sync();
    registerContext(arena, this);
  }

  /**
   * bpf_prog_test_run_xdp(): builds the buffer from data_in and an optional
   * struct xdp_md ctx_in, refusing what the kernel refuses (TestRunInputError).
   * With ctx_in, its `data` says how many leading bytes of data_in are
   * metadata and its `data_end` where the linear part ends (the rest becomes
   * fragments); a zeroed ctx_in therefore puts the whole packet in fragments,
   * as the kernel does.
   */
  static create(arena: Arena, dataIn: Uint8Array, ctxIn?: Uint8Array): XdpBuff {
    if (dataIn.length < ETH_HLEN) throw new TestRunInputError(EINVAL, `packet of ${dataIn.length} bytes is shorter than an Ethernet header`);
    const ctx = new Uint8Array(XDP_MD_SIZE);
    if (ctxIn) {
      if (ctxIn.subarray(XDP_MD_SIZE).some((b) => b !== 0)) throw new TestRunInputError(E2BIG, `ctx_in has non-zero bytes past struct xdp_md (${XDP_MD_SIZE} bytes)`);
      ctx.set(ctxIn.subarray(0, XDP_MD_SIZE));
    }
    const v = new DataView(ctx.buffer);
    let metaLen = 0;
    let linear = dataIn.length;
    if (ctxIn) {
      const data = v.getUint32(XDP_MD.data, true);
      const dataEnd = v.getUint32(XDP_MD.data_end, true);
      if (v.getUint32(XDP_MD.data_meta, true) !== 0 || dataEnd > dataIn.length || data > dataEnd || metalenInvalid(data) || data > MAX_TEST_RUN_META) {
        throw new TestRunInputError(EINVAL, `xdp_md ctx_in: data_meta must be 0, data (the metadata length) a multiple of 4 up to ${MAX_TEST_RUN_META}, and data <= data_end <= the data_in size`);
      }
      if (v.getUint32(XDP_MD.egress_ifindex, true) !== 0) throw new TestRunInputError(EINVAL, 'xdp_md ctx_in: egress_ifindex must be 0');
      if (v.getUint32(XDP_MD.ingress_ifindex, true) === 0 && v.getUint32(XDP_MD.rx_queue_index, true) !== 0) {
        throw new TestRunInputError(EINVAL, 'xdp_md ctx_in: rx_queue_index needs an ingress_ifindex');
      }
      metaLen = data;
      linear = dataEnd;
    }
    if (dataIn.length - metaLen < ETH_HLEN) throw new TestRunInputError(EINVAL, `packet of ${dataIn.length - metaLen} bytes after the metadata is shorter than an Ethernet header`);
    const maxLinear = XDP_TEST_FRAME_SIZE - (XDP_PACKET_HEADROOM - metaLen) - SKB_SHARED_INFO_SIZE;
    linear = Math.min(linear, maxLinear);
    if (Math.ceil((dataIn.length - linear) / PAGE_SIZE) > MAX_SKB_FRAGS) {
      throw new TestRunInputError(ENOMEM, `packet of ${dataIn.length} bytes needs more than ${MAX_SKB_FRAGS} fragments`);
    }
    return new XdpBuff(arena, dataIn, ctx, metaLen, linear);
  }

  /**
   * Reuses this buffer for another packet, as a NIC driver reuses its pages
   * (hooks that run XDP on packet after packet: no allocation per packet).
   * The result is what create(arena, dataIn) with this buffer's ctx_in
   * would give a program: the packet after a zeroed headroom, no metadata,
   * no fragments, no redirect; ingress_ifindex and rx_queue_index kept.
   * Returns false, changing nothing, when the packet needs fragments or is
   * shorter than an Ethernet header (create() then decides).
   */
  reload(dataIn: Uint8Array): boolean {
    const maxLinear = XDP_TEST_FRAME_SIZE - XDP_PACKET_HEADROOM - SKB_SHARED_INFO_SIZE;
    if (this.released || dataIn.length < ETH_HLEN || dataIn.length > maxLinear) return false;
    if (this.frags.length > 0) this.frags.length = 0;
    this.redirect = null;
    this.data = this.hardStart + XDP_PACKET_HEADROOM;
    this.dataMeta = this.data;
    this.dataEnd = this.data + dataIn.length;
    const bytes = this.arena.bytes;
    // adjust_head and adjust_meta expose the headroom without clearing it (adjust_tail zeroes what it grows).
    if (this.headroomExposed) {
      bytes.fill(0, this.hardStart, this.data);
      this.headroomExposed = false;
    }
    bytes.set(dataIn, this.data);
    this.sync();
    return true;
  }

  /** The frame end adjust_tail may grow the linear part to (xdp_data_hard_end). */
  get hardEnd(): number {
    return this.hardStart + this.frameSize - SKB_SHARED_INFO_SIZE;
  }

  /** Bytes in fragments. */
  get fragsSize(): number {
    return this.frags.reduce((n, f) => n + f.length, 0);
  }

  /** xdp_get_buff_len(): the linear packet plus the fragments (metadata excluded). */
  get bufferLength(): number {
    return this.dataEnd - this.data + this.fragsSize;
  }

  /** Writes the pointers into xdp_md and re-creates the packet regions. */
  private sync(): void {
    const v = this.arena.view;
    v.setUint32(this.ctxOffset + XDP_MD.data, this.data, true);
    v.setUint32(this.ctxOffset + XDP_MD.data_end, this.dataEnd, true);
    v.setUint32(this.ctxOffset + XDP_MD.data_meta, this.dataMeta, true);
    if (this.dataMeta < this.hardStart + XDP_PACKET_HEADROOM) this.headroomExposed = true;
    if (this.regionsMatch()) return;
    for (const r of this.regions) this.arena.removeRegion(r);
    this.regions = [];
    if (this.data > this.dataMeta) this.regions.push(this.arena.addRegion(this.dataMeta, this.data - this.dataMeta, 'packet_meta', 'xdp metadata', true));
    if (this.dataEnd > this.data) this.regions.push(this.arena.addRegion(this.data, this.dataEnd - this.data, 'packet', 'xdp packet', true));
  }

  /** Whether the regions are those of [data_meta, data) and [data, data_end) already (reloads of same-sized frames). */
  private regionsMatch(): boolean {
    const r = this.regions;
    const meta = this.data > this.dataMeta;
    const packet = this.dataEnd > this.data;
    if (r.length !== (meta ? 1 : 0) + (packet ? 1 : 0)) return false;
    if (meta && (r[0].start !== this.dataMeta || r[0].end !== this.data)) return false;
    const last = r[r.length - 1];
    return !packet || (last.start === this.data && last.end === this.dataEnd);
  }

  /** bpf_xdp_adjust_head(): moves the packet start by `offset` bytes (negative grows it); 0 or -EINVAL. */
  adjustHead(offset: number): number {
    const frameEnd = this.hardStart + XDP_FRAME_STRUCT_SIZE;
    const metaLen = this.data - this.dataMeta;
    const data = this.data + offset;
    if (data < frameEnd + metaLen || data > this.dataEnd - ETH_HLEN) return -EINVAL;
    if (metaLen > 0) this.arena.bytes.copyWithin(this.dataMeta + offset, this.dataMeta, this.dataMeta + metaLen);
    this.dataMeta += offset;
    this.data = data;
    this.sync();
    return 0;
  }

  /** bpf_xdp_adjust_meta(): moves data_meta by `offset`; 0, -EINVAL or -EACCES. */
  adjustMeta(offset: number): number {
    const frameEnd = this.hardStart + XDP_FRAME_STRUCT_SIZE;
    const meta = this.dataMeta + offset;
    if (meta < frameEnd || meta > this.data) return -EINVAL;
    if (metalenInvalid(this.data - meta)) return -EACCES;
    this.dataMeta = meta;
    this.sync();
    return 0;
  }

  /**
   * bpf_xdp_adjust_tail(): moves the packet end by `offset`, zeroing grown
   * bytes; with fragments the last fragment grows (within its page) or
   * fragments shrink from the end, then the linear part. 0 or -EINVAL.
   */
  adjustTail(offset: number): number {
    if (this.frags.length > 0) return offset < 0 ? this.shrinkFrags(-offset) : this.growLastFrag(offset);
    const dataEnd = this.dataEnd + offset;
    if (dataEnd > this.hardEnd || dataEnd < this.data + ETH_HLEN) return -EINVAL;
    if (offset > 0) this.arena.bytes.fill(0, this.dataEnd, dataEnd);
    this.dataEnd = dataEnd;
    this.sync();
    return 0;
  }

  /** bpf_xdp_frags_increase_tail(): a fragment's page is its limit. */
  private growLastFrag(offset: number): number {
    const last = this.frags[this.frags.length - 1];
    if (offset > PAGE_SIZE - last.length) return -EINVAL;
    const grown = new Uint8Array(last.length + offset);
    grown.set(last);
    this.frags[this.frags.length - 1] = grown;
    return 0;
  }

  /** bpf_xdp_frags_shrink_tail(): whole fragments go first, what remains comes off the linear part. */
  private shrinkFrags(offset: number): number {
    if (offset > this.bufferLength - ETH_HLEN) return -EINVAL;
    let left = offset;
    while (left > 0 && this.frags.length > 0) {
      const last = this.frags[this.frags.length - 1];
      const shrink = Math.min(left, last.length);
      left -= shrink;
      if (shrink === last.length) this.frags.pop();
      else this.frags[this.frags.length - 1] = last.slice(0, last.length - shrink);
      if (shrink < last.length) break;
    }
    if (this.frags.length === 0 && left > 0) {
      this.dataEnd -= left;
      this.sync();
    }
    return 0;
  }

  /** `length` bytes of the packet from `offset` (bpf_xdp_copy: linear part, then fragments). */
  packetBytes(offset: number, length: number): Uint8Array {
    const out = new Uint8Array(length);
    const linear = this.arena.bytes.subarray(this.data, this.dataEnd);
    let n = 0;
    for (const part of [linear, ...this.frags]) {
      if (n >= length) break;
      if (offset >= part.length) {
        offset -= part.length;
        continue;
      }
      const take = part.subarray(offset, offset + length - n);
      out.set(take, n);
      n += take.length;
      offset = 0;
    }
    return out;
  }

  /** Writes `data` into the packet at `offset` (linear part, then fragments); the range must exist. */
  writePacketBytes(offset: number, data: Uint8Array): void {
    let n = 0;
    const linear = this.arena.bytes.subarray(this.data, this.dataEnd);
    for (const part of [linear, ...this.frags]) {
      if (n >= data.length) break;
      if (offset >= part.length) {
        offset -= part.length;
        continue;
      }
      const take = Math.min(part.length - offset, data.length - n);
      part.set(data.subarray(n, n + take), offset);
      n += take;
      offset = 0;
    }
  }

  /** Where bpf_redirect() sent the packet, if it did (for hooks that forward). */
  redirect: { ifindex: number; flags: bigint } | null = null;

  /** data_out as the kernel returns it: metadata, linear packet, fragments. */
  dataOut(): Uint8Array {
    const head = this.arena.bytes.subarray(this.dataMeta, this.dataEnd);
    const out = new Uint8Array(head.length + this.fragsSize);
    out.set(head);
    let at = head.length;
    for (const f of this.frags) {
      out.set(f, at);
      at += f.length;
    }
    return out;
  }

  /** ctx_out: ctx_in with data and data_end relative to data_meta (xdp_convert_buff_to_md). */
  ctxOut(): Uint8Array {
    const out = this.ctxIn.slice();
    const v = new DataView(out.buffer);
    v.setUint32(XDP_MD.data, this.data - this.dataMeta, true);
    v.setUint32(XDP_MD.data_end, this.dataEnd - this.dataMeta, true);
    return out;
  }

  release(): void {
    if (this.released) return;
    this.released = true;
    unregisterContext(this.arena, this);
    for (const r of this.regions) this.arena.removeRegion(r);
    this.arena.removeRegion(this.ctxRegion);
    this.arena.free(this.hardStart);
    this.arena.free(this.ctxOffset);
  }
}
