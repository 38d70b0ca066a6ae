// Test runs of every fixture with realistic packets: what each program gets,
// what it must return, and the map state to set up first. Used by the VM
// tests, the VM-against-kernel parity tests and the CLI tests.
import type { BtfValue } from '../../src/btf/codec.js';
import type { BpfObject } from '../../src/object/index.js';
import {
  arpFrame, icmp6Echo, icmpEcho, ipv4Frame, ipv4Le, ipv6Bytes, ipv6Frame, TCP_ACK, TCP_SYN, tcp, udp, ethernet, ETH_P_IP,
} from '../support/packets.js';

export const XDP_DROP = 1;
export const XDP_PASS = 2;
export const TC_ACT_OK = 0;
export const TC_ACT_SHOT = 2;

export interface ScenarioRun {
  /** What the input is, for test names. */
  readonly name: string;
  readonly program: string;
  readonly dataIn?: Uint8Array;
  readonly ctxIn?: Uint8Array;
  readonly repeat?: number;
  readonly cpu?: number;
  /**
   * The return value the program must give, or 'refused' where the test run
   * must refuse the input with EINVAL (omitted where only agreement with the
   * kernel is checked).
   */
  readonly expect?: number | 'refused';
}

export interface Scenario {
  readonly fixture: string;
  readonly globals?: Readonly<Record<string, BtfValue>>;
  readonly setup?: (obj: BpfObject) => void;
  readonly runs: readonly ScenarioRun[];
}

const bytes = (...b: number[]): Uint8Array => new Uint8Array(b);
const frameOfLength = (n: number): Uint8Array => {
  const base = ipv4Frame('10.0.0.1', '10.0.0.2', udp(1234, 9999, new Uint8Array(Math.max(0, n - 42))));
  return base.subarray(0, n);
};

export const SCENARIOS: readonly Scenario[] = [
  {
    fixture: 'xdp_firewall',
    setup: (obj) => {
      obj.maps.deny_v4.set({ prefixlen: 32, addr: ipv4Le('192.0.2.66') }, 7);
      obj.maps.deny_v4.set({ prefixlen: 24, addr: ipv4Le('198.51.100.0') }, 8);
      obj.maps.port_rules.set(22, { drops: 0n, action: XDP_DROP, hits: 0 });
      obj.maps.port_rules.set(443, { drops: 0n, action: XDP_PASS, hits: 0 });
    },
    runs: [
      { name: 'allowed IPv4 TCP SYN to 443', program: 'xdp_firewall', dataIn: ipv4Frame('10.0.0.1', '10.0.0.2', tcp(40000, 443, TCP_SYN)), expect: XDP_PASS },
      { name: 'IPv4 TCP from a denied /32', program: 'xdp_firewall', dataIn: ipv4Frame('192.0.2.66', '10.0.0.2', tcp(40000, 443)), expect: XDP_DROP },
      { name: 'IPv4 UDP from a denied /24', program: 'xdp_firewall', dataIn: ipv4Frame('198.51.100.7', '10.0.0.2', udp(5353, 53)), expect: XDP_DROP },
      { name: 'IPv4 TCP to blocked port 22', program: 'xdp_firewall', dataIn: ipv4Frame('10.0.0.1', '10.0.0.2', tcp(40001, 22, TCP_SYN)), expect: XDP_DROP },
      { name: 'IPv4 UDP to blocked port 22', program: 'xdp_firewall', dataIn: ipv4Frame('10.0.0.1', '10.0.0.2', udp(40001, 22)), expect: XDP_DROP },
      { name: 'IPv6 TCP to blocked port 22', program: 'xdp_firewall', dataIn: ipv6Frame('2001:db8::1', '2001:db8::2', tcp(40002, 22, TCP_SYN)), expect: XDP_DROP },
      { name: 'IPv6 UDP to 53', program: 'xdp_firewall', dataIn: ipv6Frame('2001:db8::1', '2001:db8::2', udp(40003, 53, bytes(1, 2, 3, 4))), expect: XDP_PASS },
      { name: 'ICMP echo from a denied address', program: 'xdp_firewall', dataIn: ipv4Frame('192.0.2.66', '10.0.0.2', icmpEcho()), expect: XDP_DROP },
      { name: 'ARP', program: 'xdp_firewall', dataIn: arpFrame('10.0.0.1', '10.0.0.2'), expect: XDP_PASS },
      { name: 'VLAN-tagged IPv4 from a denied address', program: 'xdp_firewall', dataIn: ipv4Frame('192.0.2.66', '10.0.0.2', tcp(1, 80), {}, 100), expect: XDP_DROP },
      { name: 'truncated IPv4 header', program: 'xdp_firewall', dataIn: ethernet(ETH_P_IP, bytes(0x45, 0, 0, 20, 0, 0, 0, 0, 64, 6)), expect: XDP_PASS },
      { name: 'count only', program: 'xdp_count_only', dataIn: ipv4Frame('10.0.0.1', '10.0.0.2', tcp(1, 2)), repeat: 3, expect: XDP_PASS },
    ],
  },
  {
    fixture: 'proto_counter',
    runs: [
      { name: 'IPv4 TCP on cpu 0', program: 'count_protocols', dataIn: ipv4Frame('10.0.0.1', '10.0.0.2', tcp(1, 2)), cpu: 0, expect: XDP_PASS },
      { name: 'IPv4 UDP on cpu 1', program: 'count_protocols', dataIn: ipv4Frame('10.0.0.1', '10.0.0.2', udp(1, 2, new Uint8Array(100))), cpu: 1, expect: XDP_PASS },
      { name: 'IPv4 ICMP on cpu 0', program: 'count_protocols', dataIn: ipv4Frame('10.0.0.1', '10.0.0.2', icmpEcho()), cpu: 0, repeat: 4, expect: XDP_PASS },
      { name: 'IPv6 TCP on cpu 1', program: 'count_protocols', dataIn: ipv6Frame('fe80::1', 'fe80::2', tcp(1, 2)), cpu: 1, expect: XDP_PASS },
      { name: 'ICMPv6 on cpu 0', program: 'count_protocols', dataIn: ipv6Frame('fe80::1', 'ff02::1', icmp6Echo()), cpu: 0, expect: XDP_PASS },
      { name: 'ARP on cpu 1', program: 'count_protocols', dataIn: arpFrame('10.0.0.1', '10.0.0.9'), cpu: 1, expect: XDP_PASS },
      { name: 'truncated IPv4 on cpu 0', program: 'count_protocols', dataIn: ethernet(ETH_P_IP, bytes(0x45, 0, 0, 20)), cpu: 0, expect: XDP_PASS },
    ],
  },
  {
    fixture: 'tail_calls',
    runs: [
      { name: 'IPv4 through the dispatcher', program: 'dispatcher', dataIn: ipv4Frame('10.0.0.1', '10.0.0.2', tcp(1, 2)), expect: XDP_PASS },
      { name: 'IPv4 fragment through the dispatcher', program: 'dispatcher', dataIn: ipv4Frame('10.0.0.1', '10.0.0.2', udp(1, 2), { frag: 0x2000 }), expect: XDP_DROP },
      { name: 'IPv6 through the dispatcher', program: 'dispatcher', dataIn: ipv6Frame('2001:db8::1', '2001:db8::2', udp(1, 2)), expect: XDP_PASS },
      { name: 'IPv6 with hop limit 1', program: 'dispatcher', dataIn: ipv6Frame('2001:db8::1', '2001:db8::2', udp(1, 2), 1), expect: XDP_DROP },
      { name: 'ARP through the dispatcher', program: 'dispatcher', dataIn: arpFrame('10.0.0.1', '10.0.0.2'), expect: XDP_PASS },
      { name: 'IPv4 handler directly', program: 'handle_ipv4', dataIn: ipv4Frame('10.0.0.1', '10.0.0.2', tcp(1, 2)), expect: XDP_PASS },
    ],
  },
  {
    fixture: 'bounded_loop',
    runs: [
      { name: 'UDP payload summing to 7 (odd)', program: 'sum_payload', dataIn: ipv4Frame('10.0.0.1', '10.0.0.2', udp(1, 2, bytes(0, 1, 0, 2, 0, 4))), expect: XDP_DROP },
      { name: 'UDP payload summing to 256 (even)', program: 'sum_payload', dataIn: ipv4Frame('10.0.0.1', '10.0.0.2', udp(1, 2, bytes(1, 0))), expect: XDP_PASS },
      { name: 'UDP with 600 payload words (bpf_loop stops at 256)', program: 'sum_payload', dataIn: ipv4Frame('10.0.0.1', '10.0.0.2', udp(1, 2, new Uint8Array(1200).fill(1))) },
      { name: 'TCP (not summed)', program: 'sum_payload', dataIn: ipv4Frame('10.0.0.1', '10.0.0.2', tcp(1, 2)), expect: XDP_PASS },
      { name: '60-byte frame: 4 bits set', program: 'popcount_len', dataIn: frameOfLength(60), expect: XDP_PASS },
      { name: '61-byte frame: 5 bits set', program: 'popcount_len', dataIn: frameOfLength(61), expect: XDP_DROP },
    ],
  },
  {
    fixture: 'ringbuf_events',
    runs: [
      { name: 'TCP SYN reserved and submitted', program: 'report_syns', dataIn: ipv4Frame('10.1.1.1', '10.2.2.2', tcp(51000, 80, TCP_SYN)), expect: XDP_PASS },
      { name: 'TCP SYN-ACK ignored', program: 'report_syns', dataIn: ipv4Frame('10.2.2.2', '10.1.1.1', tcp(80, 51000, TCP_SYN | TCP_ACK)), expect: XDP_PASS },
      { name: 'DNS query output from the stack', program: 'report_syns', dataIn: ipv4Frame('10.1.1.1', '10.3.3.3', udp(40000, 53, new Uint8Array(30))), expect: XDP_PASS },
      { name: 'IPv6 TCP SYN', program: 'report_syns', dataIn: ipv6Frame('2001:db8::1', '2001:db8::2', tcp(51001, 443, TCP_SYN)), expect: XDP_PASS },
    ],
  },
  {
    fixture: 'map_in_map',
    setup: (obj) => {
      obj.maps.allow_by_port.set(443, obj.maps.web_allow);
      obj.maps.web_allow.set(ipv4Le('10.0.0.1'), 1);
    },
    runs: [
      { name: 'allowed TCP to 443', program: 'per_tenant', dataIn: ipv4Frame('10.0.0.1', '10.0.0.2', tcp(40000, 443)), expect: XDP_PASS },
      { name: 'TCP to 443 from a source not allowed', program: 'per_tenant', dataIn: ipv4Frame('10.9.9.9', '10.0.0.2', tcp(40000, 443)), expect: XDP_DROP },
      { name: 'UDP to 443 (not checked)', program: 'per_tenant', dataIn: ipv4Frame('10.9.9.9', '10.0.0.2', udp(40000, 443)), expect: XDP_PASS },
      { name: 'TCP to 80 (no allow list)', program: 'per_tenant', dataIn: ipv4Frame('10.9.9.9', '10.0.0.2', tcp(40000, 80)), repeat: 2, expect: XDP_PASS },
      { name: 'IPv6 UDP to 81', program: 'per_tenant', dataIn: ipv6Frame('2001:db8::1', '2001:db8::2', udp(1, 81)), expect: XDP_PASS },
      { name: 'ARP', program: 'per_tenant', dataIn: arpFrame('10.0.0.1', '10.0.0.2'), expect: XDP_PASS },
    ],
  },
  {
    fixture: 'socket_filter',
    runs: [
      // A socket filter's skb starts at the network header, so load_half(skb, 12) reads the first half of the IPv4 source.
      { name: 'UDP to 53 from 8.0.0.1', program: 'dns_filter', dataIn: ipv4Frame('8.0.0.1', '10.0.0.2', udp(1234, 53, new Uint8Array(12))), expect: 34 },
      { name: 'TCP to 80 from 8.0.0.1', program: 'dns_filter', dataIn: ipv4Frame('8.0.0.1', '10.0.0.2', tcp(1234, 80, TCP_SYN, new Uint8Array(8))), expect: 34 },
      { name: 'UDP from 10.0.0.1 (first half-word is not 0x0800)', program: 'dns_filter', dataIn: ipv4Frame('10.0.0.1', '10.0.0.2', udp(1234, 53, new Uint8Array(12))), expect: 0 },
      { name: 'IPv6', program: 'dns_filter', dataIn: ipv6Frame('2001:db8::1', '2001:db8::2', udp(1, 53)), expect: 0 },
      { name: 'IPv4 frame shorter than an IPv4 header (the kernel refuses it)', program: 'dns_filter', dataIn: ethernet(ETH_P_IP, bytes(0x45, 0, 0, 20, 0, 0, 0, 0, 64, 17, 0, 0, 8, 0)), expect: 'refused' },
      { name: 'ARP', program: 'dns_filter', dataIn: arpFrame('10.0.0.1', '10.0.0.2'), expect: 0 },
    ],
  },
  {
    fixture: 'tc_classifier',
    setup: (obj) => {
      obj.maps.blocked_v6.set({ prefixlen: 32, addr: Array.from(ipv6Bytes('2001:db8::')) }, 1);
      obj.maps.remark.set(5201, 46);
    },
    runs: [
      { name: 'IPv6 from a blocked prefix', program: 'classify', dataIn: ipv6Frame('2001:db8::5', '2001:db9::1', tcp(1, 2)), expect: TC_ACT_SHOT },
      { name: 'IPv6 from elsewhere', program: 'classify', dataIn: ipv6Frame('2001:db9::5', '2001:db8::1', tcp(1, 2)), expect: TC_ACT_OK },
      { name: 'IPv4 TCP to 5201: TOS rewritten, checksum fixed', program: 'classify', dataIn: ipv4Frame('10.0.0.1', '10.0.0.2', tcp(40000, 5201), { tos: 0x01 }), expect: TC_ACT_OK },
      { name: 'IPv4 UDP to 53 with DSCP 10', program: 'classify', dataIn: ipv4Frame('10.0.0.1', '10.0.0.2', udp(40000, 53), { tos: 0x28 }), repeat: 2, expect: TC_ACT_OK },
      { name: 'ARP', program: 'classify', dataIn: arpFrame('10.0.0.1', '10.0.0.2'), expect: TC_ACT_OK },
    ],
  },
  {
    fixture: 'globals',
    globals: { snap_len: 64 },
    runs: [
      { name: '54-byte frame: too short, rejected', program: 'snap_filter', dataIn: frameOfLength(54), expect: 0 },
      { name: '76-byte frame: accepted whole (62 bytes past Ethernet)', program: 'snap_filter', dataIn: frameOfLength(76), expect: 62 },
      { name: '200-byte frame: snapped', program: 'snap_filter', dataIn: frameOfLength(200), expect: 64 },
      { name: '1600-byte frame: too long, rejected', program: 'snap_filter', dataIn: frameOfLength(1600), expect: 0 },
    ],
  },
  {
    fixture: 'legacy_maps',
    runs: [
      { name: 'IPv4', program: 'count_ethertypes', dataIn: ipv4Frame('10.0.0.1', '10.0.0.2', udp(1, 2)), expect: 0xffffffff },
      { name: 'IPv6', program: 'count_ethertypes', dataIn: ipv6Frame('::1', '::2', udp(1, 2)), expect: 0xffffffff },
      { name: 'ARP', program: 'count_ethertypes', dataIn: arpFrame('10.0.0.1', '10.0.0.2'), expect: 0xffffffff },
      { name: 'IPv4 again', program: 'count_ethertypes', dataIn: ipv4Frame('10.0.0.3', '10.0.0.2', tcp(1, 2)), repeat: 2, expect: 0xffffffff },
    ],
  },
  {
    fixture: 'core_read',
    runs: [
      { name: '54-byte frame', program: 'frame_len', dataIn: frameOfLength(54), expect: XDP_DROP },
      { name: '60-byte frame', program: 'frame_len', dataIn: frameOfLength(60), expect: XDP_PASS },
      { name: 'skb fields from a bad pointer read as zero', program: 'read_skb', ctxIn: new Uint8Array(8).fill(0x11), expect: 0 },
    ],
  },
  {
    fixture: 'btf_values',
    runs: [
      { name: 'touch maps', program: 'touch_maps', dataIn: ipv4Frame('10.0.0.1', '10.0.0.2', udp(1, 2)), repeat: 2, expect: XDP_PASS },
    ],
  },
];

/** The scenario of a fixture, if it has one. */
export const scenarioOf = (fixture: string): Scenario | undefined => SCENARIOS.find((s) => s.fixture === fixture);
