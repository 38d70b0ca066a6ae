import type { Arena } from '../memory/arena.js';
import type { Region } from '../memory/region.js';
import { E2BIG, EINVAL } from '../maps/errno.js';
import { TestRunInputError } from './errors.js';
import { registerContext, unregisterContext, type ProgramContext } from './context-registry.js';
import {
  PACKET_HOST, PACKET_MULTICAST, PACKET_OTHERHOST, SK_BUFF, SK_BUFF_CB_SIZE, SK_BUFF_SIZE,
  SKB_TEST_HEADROOM,
} from './sk-buff.js';
import { ETH_HLEN, SKB_SHARED_INFO_SIZE } from './xdp-md.js';

const LOOPBACK_IFINDEX = 1;
const GSO_LEGACY_MAX_SIZE = 65536;
const GSO_MAX_SEGS = 65535;
const PAGE_SIZE = 4096;
const ETH_P_802_3_MIN = 0x0600;
const ETH_P_802_3 = 0x0001;
const ETH_P_802_2 = 0x0004;
const ETH_P_IP = 0x0800;
const ETH_P_IPV6 = 0x86dd;
const IPV4_HLEN = 20;
const IPV6_HLEN = 40;

/** How the kernel's test run presents the packet to a program type. */
export interface SkbRunKind {
  /** tc (sched_cls, sched_act): skb->data at the Ethernet header; others start at the network header. */
  readonly l2: boolean;
  /** Types that may read skb->data directly (tc, cgroup_skb, lwt_*). */
  readonly directPacketAccess: boolean;
}

/** The __sk_buff fields a test run's ctx_in may set; the rest must be zero (convert___skb_to_skb). */
const SETTABLE: ReadonlyArray<readonly [number, number]> = [
  [SK_BUFF.mark, 4], [SK_BUFF.priority, 4], [SK_BUFF.ingress_ifindex, 4], [SK_BUFF.ifindex, 4],
  [SK_BUFF.cb, SK_BUFF_CB_SIZE], [SK_BUFF.tstamp, 8], [SK_BUFF.wire_len, 4], [SK_BUFF.gso_segs, 4],
  [SK_BUFF.gso_size, 4], [SK_BUFF.hwtstamp, 8],
];

/** The fields convert_skb_to___skb() copies back into ctx_out. */
const COPIED_OUT: ReadonlyArray<readonly [number, number]> = [
  [SK_BUFF.mark, 4], [SK_BUFF.priority, 4], [SK_BUFF.ingress_ifindex, 4], [SK_BUFF.ifindex, 4],
  [SK_BUFF.tstamp, 8], [SK_BUFF.cb, SK_BUFF_CB_SIZE], [SK_BUFF.wire_len, 4], [SK_BUFF.gso_segs, 4],
  [SK_BUFF.hwtstamp, 8],
];

/**
 * eth_type_trans() on the loopback device, whose address and broadcast
 * address are both 00:00:00:00:00:00: pkt_type and protocol (network order).
 */
function ethTypeTrans(packet: Uint8Array): { pktType: number; protocol: number } {
  const dest = packet.subarray(0, 6);
  const zero = dest.every((b) => b === 0);
  let pktType = PACKET_HOST;
  if (!zero) pktType = (dest[0] & 1) !== 0 ? PACKET_MULTICAST : PACKET_OTHERHOST;
  const ethertype = (packet[12] << 8) | packet[13];
  let proto = ethertype;
  if (ethertype < ETH_P_802_3_MIN) proto = packet[14] === 0xff && packet[15] === 0xff ? ETH_P_802_3 : ETH_P_802_2;
  // skb->protocol is __be16: as a little-endian u32 it reads byte-swapped.
  return { pktType, protocol: ((proto & 0xff) << 8) | (proto >> 8) };
}

/**
 * The kernel's sk_buff for a test run (bpf_prog_test_run_skb), in the arena:
 * 64 bytes of headroom, the packet, 320 bytes of tailroom, and a struct
 * __sk_buff (192 bytes) as the program's ctx, with data, data_end and
 * data_meta holding the packet's arena offsets (low 32 bits of its pointers).
 * For types other than tc, skb->data starts after the Ethernet header and
 * len excludes it; data_out then gets a zeroed Ethernet header back, as the kernel does.
 * Regions: ctx (writable: the verifier decides which fields), packet [data, data_end).
 */
export class SkbBuff implements ProgramContext {
  readonly kind = 'skb';
  readonly ctxOffset: number;
  /** The data buffer (skb->head): [headOffset, bufferEnd); helpers that reshape the packet may replace it. */
  headOffset: number;
  private bufferEnd: number;
  /** skb->data and skb->tail as arena offsets. */
  data: number;
  dataEnd: number;
  private readonly ctxIn: Uint8Array;
  private readonly regions: Region[] = [];
  private packetRegion: Region | undefined;
  private released = false;

  private constructor(readonly arena: Arena, packet: Uint8Array, ctxIn: Uint8Array, readonly runKind: SkbRunKind, hasCtx: boolean) {
    this.ctxIn = ctxIn;
    this.headOffset = arena.alloc(SKB_TEST_HEADROOM + packet.length + SKB_SHARED_INFO_SIZE, 64);
    this.bufferEnd = this.headOffset + SKB_TEST_HEADROOM + packet.length + SKB_SHARED_INFO_SIZE;
    arena.bytes.fill(0, this.headOffset, this.bufferEnd);
    this.ctxOffset = arena.alloc(SK_BUFF_SIZE);
    arena.bytes.set(packet, this.headOffset + SKB_TEST_HEADROOM);
    this.data = this.headOffset + SKB_TEST_HEADROOM + (runKind.l2 ? 0 : ETH_HLEN);
    this.networkOffset = runKind.l2 ? ETH_HLEN : 0;
    this.dataEnd = this.headOffset + SKB_TEST_HEADROOM + packet.length;
    const { pktType, protocol } = ethTypeTrans(packet);
    const ctx = arena.bytes.subarray(this.ctxOffset, this.ctxOffset + SK_BUFF_SIZE);
    for (const [off, size] of SETTABLE) ctx.set(ctxIn.subarray(off, off + size), off);
    const v = arena.view;
    const at = (field: number): number => this.ctxOffset + field;
    const len = this.dataEnd - this.data;
    v.setUint32(at(SK_BUFF.len), len, true);
    v.setUint32(at(SK_BUFF.pkt_type), pktType, true);
    v.setUint32(at(SK_BUFF.protocol), protocol, true);
    // The skb's shared info keeps gso_size in 16 bits (ctx_out reports ctx_in's, which the kernel does not copy back).
    v.setUint32(at(SK_BUFF.gso_size), v.getUint32(at(SK_BUFF.gso_size), true) & 0xffff, true);
    const ifindex = v.getUint32(at(SK_BUFF.ifindex), true);
    v.setUint32(at(SK_BUFF.ifindex), ifindex > 1 ? ifindex : LOOPBACK_IFINDEX, true);
    // The qdisc cb's pkt_len (wire_len) is set only from a ctx_in: its wire_len, or skb->len.
    if (hasCtx && v.getUint32(at(SK_BUFF.wire_len), true) === 0) v.setUint32(at(SK_BUFF.wire_len), len, true);
    v.setUint32(at(SK_BUFF.data), this.data, true);
    v.setUint32(at(SK_BUFF.data_end), this.dataEnd, true);
    v.setUint32(at(SK_BUFF.data_meta), this.data, true);
    this.regions.push(arena.addRegion(this.ctxOffset, SK_BUFF_SIZE, 'ctx', '__sk_buff', true));
    if (this.dataEnd > this.data) this.packetRegion = arena.addRegion(this.data, this.dataEnd - this.data, 'packet', 'skb packet', true);
    registerContext(arena, this);
  }

  /** Builds the skb from data_in and an optional struct __sk_buff ctx_in, refusing what the kernel refuses. */
  static create(arena: Arena, dataIn: Uint8Array, kind: SkbRunKind, ctxIn?: Uint8Array): SkbBuff {
    const max = PAGE_SIZE - SKB_TEST_HEADROOM - SKB_SHARED_INFO_SIZE;
    if (dataIn.length < ETH_HLEN || dataIn.length > max) {
      throw new TestRunInputError(EINVAL, `packet of ${dataIn.length} bytes: a test-run skb takes ${ETH_HLEN} to ${max} bytes`);
    }
    // The kernel refuses IP packets too short for their header (the test run reads addresses from it).
    const ethertype = (dataIn[12] << 8) | dataIn[13];
    const need = ethertype === ETH_P_IP ? IPV4_HLEN : ethertype === ETH_P_IPV6 ? IPV6_HLEN : 0;
    if (dataIn.length - ETH_HLEN < need) throw new TestRunInputError(EINVAL, `an IP${need === IPV4_HLEN ? 'v4' : 'v6'} packet needs its ${need}-byte header`);
    const ctx = new Uint8Array(SK_BUFF_SIZE);
    if (ctxIn) {
      if (ctxIn.subarray(SK_BUFF_SIZE).some((b) => b !== 0)) throw new TestRunInputError(E2BIG, `ctx_in has non-zero bytes past struct __sk_buff (${SK_BUFF_SIZE} bytes)`);
      ctx.set(ctxIn.subarray(0, SK_BUFF_SIZE));
      const settable = new Uint8Array(SK_BUFF_SIZE);
      for (const [off, size] of SETTABLE) settable.fill(1, off, off + size);
      const bad = ctx.findIndex((b, i) => b !== 0 && settable[i] === 0);
      if (bad >= 0) throw new TestRunInputError(EINVAL, `__sk_buff ctx_in sets byte ${bad}, which a test run does not take (only mark, priority, ingress_ifindex, ifindex, cb, tstamp, wire_len, gso_segs, gso_size, hwtstamp)`);
      const v = new DataView(ctx.buffer);
      const len = dataIn.length - (kind.l2 ? 0 : ETH_HLEN);
      const wireLen = v.getUint32(SK_BUFF.wire_len, true);
      if (wireLen !== 0 && (wireLen < len || wireLen > GSO_LEGACY_MAX_SIZE)) throw new TestRunInputError(EINVAL, `wire_len ${wireLen} is below the packet length or above ${GSO_LEGACY_MAX_SIZE}`);
      if (v.getUint32(SK_BUFF.gso_segs, true) > GSO_MAX_SEGS) throw new TestRunInputError(EINVAL, `gso_segs above ${GSO_MAX_SEGS}`);
    }
    return new SkbBuff(arena, dataIn, ctx, kind, ctxIn !== undefined);
  }

  /** Where bpf_redirect() sent the packet, if it did (for hooks that forward). */
  redirect: { ifindex: number; flags: bigint } | null = null;

  /** skb->len. */
  get len(): number {
    return this.dataEnd - this.data;
  }

  /** skb_network_offset(): the network header relative to skb->data (ETH_HLEN for tc, 0 for the types that start at it). */
  networkOffset = 0;

  /** skb_transport_offset() once a helper set the transport header (a test run leaves it unset); setPacket() keeps it in place. */
  transportOffset: number | undefined;

  /** skb->encapsulation: set by bpf_skb_adjust_room()'s ENCAP flags. */
  encapsulation = false;

  /** skb_is_gso(): the shared info's gso_size, which only a ctx_in sets in a test run. */
  get isGso(): boolean { return this.arena.view.getUint32(this.ctxOffset + SK_BUFF.gso_size, true) !== 0; }

  /** Bytes free before skb->data and after skb->tail. */
  get headroom(): number { return this.data - this.headOffset; }
  get tailroom(): number { return this.bufferEnd - this.dataEnd; }

  /**
   * pskb_expand_head(): makes sure of `head` bytes of headroom and `tail`
   * bytes of tailroom, moving the packet to a larger zeroed buffer when needed.
   */
  reserve(head: number, tail: number): void {
    if (this.headroom >= head && this.tailroom >= tail) return;
    const headroom = Math.max(head, this.headroom);
    const size = headroom + this.len + Math.max(tail, this.tailroom);
    const buffer = this.arena.alloc(size, 64);
    this.arena.bytes.fill(0, buffer, buffer + size);
    this.arena.bytes.copyWithin(buffer + headroom, this.data, this.dataEnd);
    const len = this.len;
    this.arena.free(this.headOffset);
    this.headOffset = buffer;
    this.bufferEnd = buffer + size;
    this.data = buffer + headroom;
    this.dataEnd = this.data + len;
  }

  /** Moves skb->data and skb->tail (within the buffer) and updates len, data, data_end, data_meta and the packet region. */
  setPacket(data: number, dataEnd: number): void {
    if (this.transportOffset !== undefined) this.transportOffset += this.data - data;
    this.data = data;
    this.dataEnd = dataEnd;
    const v = this.arena.view;
    v.setUint32(this.ctxOffset + SK_BUFF.len, dataEnd - data, true);
    v.setUint32(this.ctxOffset + SK_BUFF.data, data, true);
    v.setUint32(this.ctxOffset + SK_BUFF.data_end, dataEnd, true);
    v.setUint32(this.ctxOffset + SK_BUFF.data_meta, data, true);
    if (this.packetRegion) this.arena.removeRegion(this.packetRegion);
    this.packetRegion = dataEnd > data ? this.arena.addRegion(data, dataEnd - data, 'packet', 'skb packet', true) : undefined;
  }

  /** skb->protocol (network order, as a u16 read from memory gives it on little-endian). */
  get protocol(): number { return this.arena.view.getUint16(this.ctxOffset + SK_BUFF.protocol, true); }
  set protocol(p: number) { this.arena.view.setUint32(this.ctxOffset + SK_BUFF.protocol, p & 0xffff, true); }

  /** The hardware-accelerated VLAN tag (skb->vlan_proto, network order; skb->vlan_tci); proto 0 and tci 0: none. */
  get vlanProto(): number { return this.arena.view.getUint32(this.ctxOffset + SK_BUFF.vlan_proto, true); }
  get vlanTci(): number { return this.arena.view.getUint32(this.ctxOffset + SK_BUFF.vlan_tci, true); }
  setVlanTag(proto: number, tci: number): void {
    const v = this.arena.view;
    v.setUint32(this.ctxOffset + SK_BUFF.vlan_proto, proto & 0xffff, true);
    v.setUint32(this.ctxOffset + SK_BUFF.vlan_tci, tci & 0xffff, true);
    // __sk_buff.vlan_present reads vlan_all != 0.
    v.setUint32(this.ctxOffset + SK_BUFF.vlan_present, (proto | tci) & 0xffff ? 1 : 0, true);
  }

  /** data_out: the packet from skb->data; non-tc types get the Ethernet header back as zeros. */
  dataOut(): Uint8Array {
    const packet = this.arena.bytes.subarray(this.data, this.dataEnd);
    if (this.runKind.l2) return packet.slice();
    const out = new Uint8Array(ETH_HLEN + packet.length);
    out.set(packet, ETH_HLEN);
    return out;
  }

  /** ctx_out: ctx_in with the fields convert_skb_to___skb() reports, as the program left them. */
  ctxOut(): Uint8Array {
    const out = new Uint8Array(SK_BUFF_SIZE);
    out.set(this.ctxIn);
    const live = this.arena.bytes.subarray(this.ctxOffset, this.ctxOffset + SK_BUFF_SIZE);
    for (const [off, size] of COPIED_OUT) out.set(live.subarray(off, off + size), off);
    return out;
  }

  release(): void {
    if (this.released) return;
    this.released = true;
    unregisterContext(this.arena, this);
    for (const r of this.regions) this.arena.removeRegion(r);
    if (this.packetRegion) this.arena.removeRegion(this.packetRegion);
    this.arena.free(this.headOffset);
    this.arena.free(this.ctxOffset);
  }
}
