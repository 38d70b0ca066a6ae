import { ipv4Bytes, ipv6Bytes } from '../ctx/ip.js';

export const ETH_P_IP = 0x0800;
export const ETH_P_IPV6 = 0x86dd;
export const IPPROTO_TCP = 6;
export const IPPROTO_UDP = 17;
export const TCP_FIN = 0x01;
export const TCP_SYN = 0x02;
export const TCP_RST = 0x04;
export const TCP_PSH = 0x08;
export const TCP_ACK = 0x10;
const ETH_HLEN = 14;

/** A transport segment as it arrives on an interface. */
export interface SegmentSpec {
  readonly src: string;
  readonly dst: string;
  readonly sport: number;
  readonly dport: number;
  readonly protocol: typeof IPPROTO_TCP | typeof IPPROTO_UDP;
  readonly payload?: Uint8Array;
  /** TCP only. */
  readonly flags?: number;
  readonly seq?: number;
  readonly ack?: number;
}

/** The Internet checksum (RFC 1071) of `parts`, as one big-endian u16. */
function checksum(parts: readonly Uint8Array[]): number {
  let sum = 0;
  let odd = -1;
  for (const p of parts) {
    for (let i = 0; i < p.length; i++) {
      if (odd < 0) odd = p[i];
      else { sum += (odd << 8) | p[i]; odd = -1; }
    }
  }
  if (odd >= 0) sum += odd << 8;
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return ~sum & 0xffff;
}

/**
 * Builds the Ethernet frame carrying a UDP datagram or TCP segment, as a
 * NIC would hand it to XDP: zero MAC addresses (like Linux's loopback),
 * IPv4 or IPv6 by the address family, valid IP, UDP and TCP checksums.
 */
export function buildFrame(s: SegmentSpec): Uint8Array {
  const payload = s.payload ?? new Uint8Array(0);
  const v4 = ipv4Bytes(s.src) !== null;
  const src = v4 ? ipv4Bytes(s.src)! : ipv6Bytes(s.src)!;
  const dst = v4 ? ipv4Bytes(s.dst)! : ipv6Bytes(s.dst)!;
  if (!src || !dst) throw new RangeError(`cannot build a frame between ${s.src} and ${s.dst}`);
  const l4len = (s.protocol === IPPROTO_TCP ? 20 : 8) + payload.length;
  const l3len = v4 ? 20 : 40;
  const frame = new Uint8Array(ETH_HLEN + l3len + l4len);
  const v = new DataView(frame.buffer);
  v.setUint16(12, v4 ? ETH_P_IP : ETH_P_IPV6);
  const ip = ETH_HLEN;
  if (v4) {
    v.setUint8(ip, 0x45);
    v.setUint16(ip + 2, l3len + l4len);
    v.setUint16(ip + 6, 0x4000); // DF
    v.setUint8(ip + 8, 64);
    v.setUint8(ip + 9, s.protocol);
    frame.set(src, ip + 12);
    frame.set(dst, ip + 16);
    v.setUint16(ip + 10, checksum([frame.subarray(ip, ip + 20)]));
  } else {
    v.setUint32(ip, 0x6000_0000);
    v.setUint16(ip + 4, l4len);
    v.setUint8(ip + 6, s.protocol);
    v.setUint8(ip + 7, 64);
    frame.set(src, ip + 8);
    frame.set(dst, ip + 24);
  }
  const l4 = ip + l3len;
  v.setUint16(l4, s.sport);
  v.setUint16(l4 + 2, s.dport);
  if (s.protocol === IPPROTO_UDP) {
    v.setUint16(l4 + 4, l4len);
    frame.set(payload, l4 + 8);
  } else {
    v.setUint32(l4 + 4, s.seq ?? 0);
    v.setUint32(l4 + 8, s.ack ?? 0);
    v.setUint8(l4 + 12, 5 << 4);
    v.setUint8(l4 + 13, s.flags ?? TCP_ACK);
    v.setUint16(l4 + 14, 65535);
    frame.set(payload, l4 + 20);
  }
  const pseudo = new Uint8Array(v4 ? 12 : 40);
  const pv = new DataView(pseudo.buffer);
  pseudo.set(src, 0);
  pseudo.set(dst, v4 ? 4 : 16);
  if (v4) { pv.setUint8(9, s.protocol); pv.setUint16(10, l4len); } else { pv.setUint32(32, l4len); pv.setUint8(39, s.protocol); }
  const csumAt = l4 + (s.protocol === IPPROTO_UDP ? 6 : 16);
  const sum = checksum([pseudo, frame.subarray(l4)]);
  v.setUint16(csumAt, s.protocol === IPPROTO_UDP && sum === 0 ? 0xffff : sum);
  return frame;
}

/** What a frame carries, as far as tsbpf's proxies need it. */
export interface ParsedFrame {
  readonly ethertype: number;
  readonly protocol: number;
  readonly sport: number;
  readonly dport: number;
  readonly tcpFlags: number;
  /** The transport payload: from after the UDP/TCP header to the end of the frame. */
  readonly payload: Uint8Array;
}

/** Parses an Ethernet + IPv4/IPv6 + UDP/TCP frame; null when it is not one (e.g. after an XDP rewrite broke it). */
export function parseFrame(frame: Uint8Array): ParsedFrame | null {
  if (frame.length < ETH_HLEN) return null;
  const v = new DataView(frame.buffer, frame.byteOffset, frame.byteLength);
  const ethertype = v.getUint16(12);
  let l4: number;
  let protocol: number;
  if (ethertype === ETH_P_IP) {
    if (frame.length < ETH_HLEN + 20) return null;
    const ihl = (frame[ETH_HLEN] & 0x0f) * 4;
    if (frame[ETH_HLEN] >> 4 !== 4 || ihl < 20) return null;
    protocol = frame[ETH_HLEN + 9];
    l4 = ETH_HLEN + ihl;
  } else if (ethertype === ETH_P_IPV6) {
    if (frame.length < ETH_HLEN + 40) return null;
    protocol = frame[ETH_HLEN + 6];
    l4 = ETH_HLEN + 40;
  } else {
    return null;
  }
  const header = protocol === IPPROTO_UDP ? 8 : protocol === IPPROTO_TCP ? ((frame[l4 + 12] ?? 0) >> 4) * 4 : -1;
  if (header < 8 || l4 + header > frame.length) return null;
  return {
    ethertype, protocol, sport: v.getUint16(l4), dport: v.getUint16(l4 + 2),
    tcpFlags: protocol === IPPROTO_TCP ? frame[l4 + 13] : 0,
    payload: frame.subarray(l4 + header),
  };
}
