import type { Arena } from '../memory/arena.js';
import type { Region } from '../memory/region.js';
import { EACCES, E2BIG, EINVAL } from '../maps/errno.js';
import { TestRunInputError } from './errors.js';
import { registerContext, unregisterContext, type ProgramContext } from './context-registry.js';
import {
  ETH_HLEN, SKB_SHARED_INFO_SIZE, XDP_FRAME_STRUCT_SIZE, XDP_MD, XDP_MD_SIZE, XDP_PACKET_HEADROOM, XDP_TEST_FRAME_SIZE,
} from './xdp-md.js';

/** ifindex of the loopback device, whose rx queue 0 a test run uses by default. */
const LOOPBACK_IFINDEX = 1;

/** xdp_metalen_invalid(): metadata is a multiple of 4 bytes, at most 32. */
const metalenInvalid = (len: number): boolean => (len & 3) !== 0 || len > 32;

/**
 * The kernel's struct xdp_buff for a test run, in the arena: one 4 KiB frame
 * (256 bytes of headroom, the packet, 320 bytes of tailroom kept for
 * skb_shared_info) and a struct xdp_md whose data, data_end and data_meta
 * hold the low 32 bits of the packet pointers (their arena offsets: see
 * /tmp/team notes, engines accept zero-extended offsets as pointers).
 * Regions: ctx (read-only), packet_meta [data_meta, data), packet [data, data_end).
 */
export class XdpBuff implements ProgramContext {
  readonly kind = 'xdp';
  readonly ctxOffset: number;
  readonly hardStart: number;
  readonly frameSize = XDP_TEST_FRAME_SIZE;
  dataMeta: number;
  data: number;
  dataEnd: number;
  private readonly ctxIn: Uint8Array;
  private regions: Region[] = [];
  private readonly ctxRegion: Region;
  private released = false;

  private constructor(private readonly arena: Arena, packet: Uint8Array, ctxIn: Uint8Array, metaLen: number) {
    this.ctxIn = ctxIn;
    this.hardStart = arena.alloc(XDP_TEST_FRAME_SIZE, 64);
    this.ctxOffset = arena.alloc(XDP_MD_SIZE);
    this.dataMeta = this.hardStart + XDP_PACKET_HEADROOM - metaLen;
    this.data = this.hardStart + XDP_PACKET_HEADROOM;
    this.dataEnd = this.dataMeta + packet.length;
    arena.bytes.set(packet, this.dataMeta);
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
   * With ctx_in, its `data` field says how many leading bytes of data_in are
   * metadata, and data_end must equal data_in's length.
   */
  static create(arena: Arena, dataIn: Uint8Array, ctxIn?: Uint8Array): XdpBuff {
    const ctx = new Uint8Array(XDP_MD_SIZE);
    if (ctxIn) {
      if (ctxIn.subarray(XDP_MD_SIZE).some((b) => b !== 0)) throw new TestRunInputError(E2BIG, `ctx_in has non-zero bytes past struct xdp_md (${XDP_MD_SIZE} bytes)`);
      ctx.set(ctxIn.subarray(0, XDP_MD_SIZE));
    }
    const v = new DataView(ctx.buffer);
    let metaLen = 0;
    if (ctxIn) {
      const data = v.getUint32(XDP_MD.data, true);
      const dataEnd = v.getUint32(XDP_MD.data_end, true);
      if (v.getUint32(XDP_MD.data_meta, true) !== 0 || dataEnd !== dataIn.length || data > dataEnd || metalenInvalid(data)) {
        throw new TestRunInputError(EINVAL, 'xdp_md ctx_in: data_meta must be 0, data_end the data_in size, data (the metadata length) a multiple of 4 up to 32');
      }
      if (v.getUint32(XDP_MD.egress_ifindex, true) !== 0) throw new TestRunInputError(EINVAL, 'xdp_md ctx_in: egress_ifindex must be 0');
      if (v.getUint32(XDP_MD.ingress_ifindex, true) === 0 && v.getUint32(XDP_MD.rx_queue_index, true) !== 0) {
        throw new TestRunInputError(EINVAL, 'xdp_md ctx_in: rx_queue_index needs an ingress_ifindex');
      }
      metaLen = data;
    }
    if (dataIn.length - metaLen < ETH_HLEN) throw new TestRunInputError(EINVAL, `packet of ${dataIn.length - metaLen} bytes is shorter than an Ethernet header`);
    const maxData = XDP_TEST_FRAME_SIZE - (XDP_PACKET_HEADROOM - metaLen) - SKB_SHARED_INFO_SIZE;
    if (dataIn.length > maxData) throw new TestRunInputError(EINVAL, `packet of ${dataIn.length} bytes exceeds the ${maxData} bytes of one XDP frame (multi-buffer XDP is not supported)`);
    return new XdpBuff(arena, dataIn, ctx, metaLen);
  }

  /** The frame end adjust_tail may grow the packet to (xdp_data_hard_end). */
  get hardEnd(): number {
    return this.hardStart + this.frameSize - SKB_SHARED_INFO_SIZE;
  }

  /** Writes the pointers into xdp_md and re-creates the packet regions. */
  private sync(): void {
    const v = this.arena.view;
    v.setUint32(this.ctxOffset + XDP_MD.data, this.data, true);
    v.setUint32(this.ctxOffset + XDP_MD.data_end, this.dataEnd, true);
    v.setUint32(this.ctxOffset + XDP_MD.data_meta, this.dataMeta, true);
    for (const r of this.regions) this.arena.removeRegion(r);
    this.regions = [];
    if (this.data > this.dataMeta) this.regions.push(this.arena.addRegion(this.dataMeta, this.data - this.dataMeta, 'packet_meta', 'xdp metadata', true));
    if (this.dataEnd > this.data) this.regions.push(this.arena.addRegion(this.data, this.dataEnd - this.data, 'packet', 'xdp packet', true));
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

  /** bpf_xdp_adjust_tail(): moves data_end by `offset`, zeroing grown bytes; 0 or -EINVAL. */
  adjustTail(offset: number): number {
    const dataEnd = this.dataEnd + offset;
    if (dataEnd > this.hardEnd || dataEnd < this.data + ETH_HLEN) return -EINVAL;
    if (offset > 0) this.arena.bytes.fill(0, this.dataEnd, dataEnd);
    this.dataEnd = dataEnd;
    this.sync();
    return 0;
  }

  /** data_out as the kernel returns it: metadata and packet. */
  dataOut(): Uint8Array {
    return this.arena.bytes.slice(this.dataMeta, this.dataEnd);
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
