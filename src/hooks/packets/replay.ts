import { LINKTYPE_ETHERNET, LINKTYPE_RAW, type Capture, type CapturedPacket } from './capture/capture.js';
import { ETH_P_IP, ETH_P_IPV6 } from './frames.js';
import type { PacketInterface, VerdictCounts } from './packet-interface.js';

export interface ReplayResult {
  /** Counts of this replay only (the interface keeps running totals). */
  readonly counts: VerdictCounts;
  /** The frames delivered (XDP_PASS, then the socket filters), as rewritten, with their timestamps. */
  readonly passed: CapturedPacket[];
  /** Frames XDP_TX sent back out. */
  readonly transmitted: CapturedPacket[];
  /** Wall time of the replay, and frames per second through the hooks. */
  readonly elapsedNs: number;
  readonly packetsPerSecond: number;
}

/** An Ethernet frame for a packet of an Ethernet or raw-IP capture; null for other link types. */
function frameOf(p: CapturedPacket): Uint8Array | null {
  if (p.linkType === LINKTYPE_ETHERNET) return p.data;
  if (p.linkType !== LINKTYPE_RAW || p.data.length === 0) return null;
  const frame = new Uint8Array(14 + p.data.length);
  const type = p.data[0] >> 4 === 6 ? ETH_P_IPV6 : ETH_P_IP;
  frame[12] = type >> 8;
  frame[13] = type & 0xff;
  frame.set(p.data, 14);
  return frame;
}

/** The captured packet as an output capture records it: the packet itself when its frame went through unchanged. */
function recorded(p: CapturedPacket, data: Uint8Array): CapturedPacket {
  if (data === p.data && p.linkType === LINKTYPE_ETHERNET && p.originalLength === data.length) return p;
  return { ...p, data, linkType: LINKTYPE_ETHERNET, originalLength: data.length };
}

/**
 * Feeds every packet of a capture into an interface, in order, as if it
 * arrived on it: XDP programs and socket filters run on each; the result
 * has the verdict counts and the delivered frames (to write as a capture).
 */
export function replayCapture(capture: Capture, iface: PacketInterface): ReplayResult {
  const before = { ...iface.counts };
  const passed: CapturedPacket[] = [];
  const transmitted: CapturedPacket[] = [];
  const t0 = process.hrtime.bigint();
  for (const p of capture.packets) {
    const frame = frameOf(p);
    if (!frame) {
      iface.counts.skipped++;
      continue;
    }
    const r = iface.receive(frame);
    if (r.delivered) passed.push(recorded(p, r.delivered));
    else if (r.action === 3) transmitted.push(recorded(p, r.frame));
  }
  const elapsedNs = Number(process.hrtime.bigint() - t0);
  const counts = Object.fromEntries(Object.entries(iface.counts).map(([k, v]) => [k, v - before[k as keyof VerdictCounts]])) as unknown as VerdictCounts;
  return { counts, passed, transmitted, elapsedNs, packetsPerSecond: elapsedNs > 0 ? (capture.packets.length * 1e9) / elapsedNs : 0 };
}
