// Realistic Ethernet frames for test runs: IPv4 and IPv6 with TCP, UDP and
// ICMP, correct lengths and checksums, an optional 802.1Q tag.

export const ETH_P_IP = 0x0800;
export const ETH_P_IPV6 = 0x86dd;
export const ETH_P_ARP = 0x0806;
export const ETH_P_8021Q = 0x8100;
export const IPPROTO_ICMP = 1;
export const IPPROTO_TCP = 6;
export const IPPROTO_UDP = 17;
export const IPPROTO_ICMPV6 = 58;

export const TCP_SYN = 0x02;
export const TCP_ACK = 0x10;

const concat = (...parts: Uint8Array[]): Uint8Array => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) { out.set(p, at); at += p.length; }
  return out;
};

const u16be = (v: number): Uint8Array => new Uint8Array([(v >> 8) & 0xff, v & 0xff]);
const u32be = (v: number): Uint8Array => new Uint8Array([(v >>> 24) & 0xff, (v >>> 16) & 0xff, (v >>> 8) & 0xff, v & 0xff]);

/** Dotted IPv4 text to its 4 bytes (network order). */
export function ipv4Bytes(addr: string): Uint8Array {
  const parts = addr.split('.').map(Number);
  if (parts.length !== 4 || parts.some((p) => !Number.isInteger(p) || p < 0 || p > 255)) throw new Error(`bad IPv4 address ${addr}`);
  return new Uint8Array(parts);
}

/** An IPv4 address as the u32 a program reads from the header (network order bytes, little-endian load). */
export const ipv4Le = (addr: string): number => new DataView(ipv4Bytes(addr).buffer).getUint32(0, true);

/** IPv6 text (with `::`) to its 16 bytes. */
export function ipv6Bytes(addr: string): Uint8Array {
  const [head, tail] = addr.includes('::') ? addr.split('::') : [addr, undefined];
  const h = head ? head.split(':') : [];
  const t = tail !== undefined && tail !== '' ? tail.split(':') : [];
  const groups = tail === undefined ? h : [...h, ...Array(8 - h.length - t.length).fill('0'), ...t];
  if (groups.length !== 8) throw new Error(`bad IPv6 address ${addr}`);
  return concat(...groups.map((g) => u16be(parseInt(g, 16))));
}

/** RFC 1071 Internet checksum of `bytes` (plus an initial partial sum). */
export function inetChecksum(bytes: Uint8Array, initial = 0): number {
  let sum = initial;
  for (let i = 0; i + 1 < bytes.length; i += 2) sum += (bytes[i] << 8) | bytes[i + 1];
  if (bytes.length % 2 === 1) sum += bytes[bytes.length - 1] << 8;
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return ~sum & 0xffff;
}

const partialSum = (bytes: Uint8Array): number => (~inetChecksum(bytes) & 0xffff);

export interface L4 {
  readonly proto: number;
  /** The segment with a zero checksum field at `checksumAt` (-1: no checksum over a pseudo header). */
  readonly bytes: Uint8Array;
  readonly checksumAt: number;
}

export function tcp(sport: number, dport: number, flags = TCP_ACK, payload: Uint8Array = new Uint8Array(0), seq = 1): L4 {
  const hdr = concat(u16be(sport), u16be(dport), u32be(seq), u32be(0), new Uint8Array([0x50, flags]), u16be(64240), u16be(0), u16be(0));
  return { proto: IPPROTO_TCP, bytes: concat(hdr, payload), checksumAt: 16 };
}

export function udp(sport: number, dport: number, payload: Uint8Array = new Uint8Array(0)): L4 {
  return { proto: IPPROTO_UDP, bytes: concat(u16be(sport), u16be(dport), u16be(8 + payload.length), u16be(0), payload), checksumAt: 6 };
}

/** ICMP echo request (IPv4: checksum over the message only). */
export function icmpEcho(id = 1, seqNo = 1, payload: Uint8Array = new Uint8Array(8)): L4 {
  const msg = concat(new Uint8Array([8, 0, 0, 0]), u16be(id), u16be(seqNo), payload);
  const sum = inetChecksum(msg);
  msg.set(u16be(sum), 2);
  return { proto: IPPROTO_ICMP, bytes: msg, checksumAt: -1 };
}

/** ICMPv6 echo request (checksum over the IPv6 pseudo header, filled by ipv6()). */
export function icmp6Echo(id = 1, seqNo = 1): L4 {
  return { proto: IPPROTO_ICMPV6, bytes: concat(new Uint8Array([128, 0, 0, 0]), u16be(id), u16be(seqNo), new Uint8Array(8)), checksumAt: 2 };
}

function withChecksum(l4: L4, pseudo: Uint8Array): Uint8Array {
  const seg = l4.bytes.slice();
  if (l4.checksumAt < 0) return seg;
  const sum = inetChecksum(seg, partialSum(pseudo));
  seg.set(u16be(sum === 0 && l4.proto === IPPROTO_UDP ? 0xffff : sum), l4.checksumAt);
  return seg;
}

export interface Ipv4Options {
  readonly ttl?: number;
  readonly tos?: number;
  readonly id?: number;
  /** Flags and fragment offset field (e.g. 0x2000 = more fragments). */
  readonly frag?: number;
  /** IP options (a multiple of 4 bytes). */
  readonly options?: Uint8Array;
}

export function ipv4(saddr: string, daddr: string, l4: L4, o: Ipv4Options = {}): Uint8Array {
  const opts = o.options ?? new Uint8Array(0);
  const ihl = 5 + opts.length / 4;
  const src = ipv4Bytes(saddr);
  const dst = ipv4Bytes(daddr);
  const seg = withChecksum(l4, concat(src, dst, new Uint8Array([0, l4.proto]), u16be(l4.bytes.length)));
  const hdr = concat(
    new Uint8Array([0x40 | ihl, o.tos ?? 0]), u16be(ihl * 4 + seg.length), u16be(o.id ?? 0x1234), u16be(o.frag ?? 0x4000),
    new Uint8Array([o.ttl ?? 64, l4.proto]), u16be(0), src, dst, opts,
  );
  hdr.set(u16be(inetChecksum(hdr)), 10);
  return concat(hdr, seg);
}

export function ipv6(saddr: string, daddr: string, l4: L4, hopLimit = 64): Uint8Array {
  const src = ipv6Bytes(saddr);
  const dst = ipv6Bytes(daddr);
  const seg = withChecksum(l4, concat(src, dst, u32be(l4.bytes.length), new Uint8Array([0, 0, 0, l4.proto])));
  const hdr = concat(u32be(0x60000000), u16be(seg.length), new Uint8Array([l4.proto, hopLimit]), src, dst);
  return concat(hdr, seg);
}

const MAC_DST = new Uint8Array([0x02, 0x00, 0x00, 0x00, 0x00, 0x02]);
const MAC_SRC = new Uint8Array([0x02, 0x00, 0x00, 0x00, 0x00, 0x01]);

/** An Ethernet frame (no FCS), with an optional 802.1Q VLAN tag. */
export function ethernet(etherType: number, payload: Uint8Array, vlan?: number): Uint8Array {
  const tag = vlan === undefined ? new Uint8Array(0) : concat(u16be(ETH_P_8021Q), u16be(vlan));
  return concat(MAC_DST, MAC_SRC, tag, u16be(etherType), payload);
}

export const ipv4Frame = (saddr: string, daddr: string, l4: L4, o?: Ipv4Options, vlan?: number): Uint8Array =>
  ethernet(ETH_P_IP, ipv4(saddr, daddr, l4, o), vlan);
export const ipv6Frame = (saddr: string, daddr: string, l4: L4, hopLimit?: number): Uint8Array =>
  ethernet(ETH_P_IPV6, ipv6(saddr, daddr, l4, hopLimit));

/** An ARP request for `target` from `sender` (not IP: parsers reject it). */
export function arpFrame(sender: string, target: string): Uint8Array {
  const body = concat(u16be(1), u16be(ETH_P_IP), new Uint8Array([6, 4]), u16be(1), MAC_SRC, ipv4Bytes(sender), new Uint8Array(6), ipv4Bytes(target));
  return ethernet(ETH_P_ARP, concat(body, new Uint8Array(18)));
}

/** TCP and UDP over IPv4 and IPv6, and VLAN-tagged IPv4: frames the tc reshaping tests all run on (each adds its own). */
export const TC_SAMPLE_FRAMES: ReadonlyArray<[string, Uint8Array]> = [
  ['ipv4 tcp', ipv4Frame('10.1.1.1', '10.2.2.2', tcp(51000, 80, TCP_SYN, new Uint8Array([1, 2, 3, 4, 5])))],
  ['ipv4 udp', ipv4Frame('10.1.1.1', '10.2.2.2', udp(5000, 53, new Uint8Array(30).fill(7)))],
  ['ipv6 tcp', ipv6Frame('fe80::1', 'fe80::2', tcp(1000, 443))],
  ['ipv6 udp', ipv6Frame('fe80::1', 'fe80::2', udp(1000, 53, new Uint8Array([9, 9])))],
  ['vlan ipv4', ipv4Frame('10.1.1.1', '10.2.2.2', udp(5, 6), {}, 100)],
];
