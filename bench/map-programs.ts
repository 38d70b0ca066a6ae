// The map-heavy benchmarks: clang-compiled objects run unchanged on each
// engine (the VM's interpreter and JIT through loadObject, the kernel through
// BPF_PROG_TEST_RUN), over a mix of realistic packets built by
// test/support/packets.ts, with the maps filled alike on every backend.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BpfObject } from '../src/object/index.js';
import {
  ipv4Frame, ipv4Le, ipv6Frame, TCP_ACK, TCP_SYN, tcp, udp,
} from '../test/support/packets.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

export interface MapBenchmark {
  readonly name: string;
  readonly description: string;
  readonly object: string;
  readonly program: string;
  /** Fills the maps before the runs (the same on every backend). */
  readonly setup?: (obj: BpfObject) => void;
  /** A consumer to run between timed chunks (a ring buffer drained, as user space would), closed at the end. */
  readonly consumer?: (obj: BpfObject) => { drain(): void; close(): void };
  /** Most runs per test run, so that betweenChunks keeps up (e.g. the ring's capacity in records). */
  readonly maxChunk?: number;
  readonly packets: ReadonlyArray<{ readonly name: string; readonly data: Uint8Array }>;
}

const XDP_DROP = 1;
const XDP_PASS = 2;
const payload = (n: number, seed: number): Uint8Array => Uint8Array.from({ length: n }, (_, i) => (i * 31 + seed) & 0xff);

/** A day's traffic, roughly: web, DNS, SSH, a denied source, IPv6, a VLAN-tagged datagram. */
export const PACKET_MIX = [
  { name: 'IPv4 TCP SYN to 443', data: ipv4Frame('198.51.100.7', '10.0.0.1', tcp(40000, 443, TCP_SYN)) },
  { name: 'IPv4 TCP 1400 B to 80', data: ipv4Frame('192.0.2.10', '10.0.0.1', tcp(40001, 80, TCP_ACK, payload(1400, 1))) },
  { name: 'IPv4 UDP DNS query', data: ipv4Frame('192.0.2.9', '10.0.0.53', udp(5353, 53, payload(40, 2))) },
  { name: 'IPv4 TCP to 23 (blocked port)', data: ipv4Frame('198.51.100.8', '10.0.0.1', tcp(40002, 23, TCP_SYN)) },
  { name: 'IPv4 TCP from a denied /24', data: ipv4Frame('203.0.113.66', '10.0.0.1', tcp(40003, 443, TCP_ACK, payload(200, 3))) },
  { name: 'IPv6 TCP 600 B to 443', data: ipv6Frame('2001:db8::1', '2001:db8::2', tcp(40004, 443, TCP_ACK, payload(600, 4))) },
  { name: 'VLAN IPv4 UDP 512 B', data: ipv4Frame('10.9.8.7', '10.0.0.3', udp(7000, 7001, payload(512, 5)), undefined, 42) },
] as const;

/** 64 denied prefixes (/16, /24 and /32 from a fixed generator) plus 203.0.113.0/24. */
function denyList(): Array<{ prefixlen: number; addr: number }> {
  const out = [{ prefixlen: 24, addr: ipv4Le('203.0.113.0') }];
  let s = 12345;
  for (let i = 0; i < 64; i++) {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    const prefixlen = [16, 24, 32][i % 3];
    const a = [100 + (s >>> 24) % 100, (s >>> 16) & 0xff, (s >>> 8) & 0xff, s & 0xff];
    const masked = a.map((b, j) => (j * 8 >= prefixlen ? 0 : b));
    out.push({ prefixlen, addr: ipv4Le(masked.join('.')) });
  }
  return out;
}

export const MAP_BENCHMARKS: readonly MapBenchmark[] = [
  {
    name: 'xdp-firewall',
    description: 'test/fixtures/xdp_firewall.o: parse, LPM trie lookup of the IPv4 source (65 prefixes), hash lookup of the port (8 rules), atomic counters',
    object: join(root, 'test/fixtures/xdp_firewall.o'),
    program: 'xdp_firewall',
    setup: (obj) => {
      denyList().forEach((key, i) => obj.maps.deny_v4.set(key, i + 1));
      for (const [port, action] of [[23, XDP_DROP], [3389, XDP_DROP], [445, XDP_DROP], [80, XDP_PASS], [443, XDP_PASS], [53, XDP_PASS], [22, XDP_PASS], [8080, XDP_PASS]]) {
        obj.maps.port_rules.set(port, { drops: 0n, action, hits: 0 });
      }
    },
    packets: PACKET_MIX,
  },
  {
    name: 'flow-counter',
    description: 'bench/programs/flow_counter.o: parse, per-CPU array counter, hash lookup of the 5-tuple and bpf_map_update_elem of its counters per packet',
    object: join(root, 'bench/programs/flow_counter.o'),
    program: 'count_flows',
    packets: PACKET_MIX,
  },
  {
    name: 'ringbuf-producer',
    description: 'bench/programs/ringbuf_producer.o: parse, bpf_ringbuf_reserve of a 48-byte event, fill, bpf_ringbuf_submit per packet (drained between test runs)',
    object: join(root, 'bench/programs/ringbuf_producer.o'),
    program: 'produce_events',
    consumer: (obj) => {
      const ring = obj.maps.packet_events.ringBuffer();
      return { drain: () => void ring.drain(), close: () => ring.close() };
    },
    // 4 MiB ring, 56-byte records: drain well before it fills.
    maxChunk: 50_000,
    packets: PACKET_MIX,
  },
];
