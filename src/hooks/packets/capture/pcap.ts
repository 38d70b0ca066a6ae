import { CaptureError, LINKTYPE_ETHERNET, type Capture, type CapturedPacket } from './capture.js';

export const PCAP_MAGIC_US = 0xa1b2c3d4;
export const PCAP_MAGIC_NS = 0xa1b23c4d;
const HEADER = 24;
const RECORD = 16;
/** Larger records are refused as corrupt (libpcap's limit for its largest link types). */
const MAX_RECORD = 262_144;

/** Reads a classic pcap file (either byte order, micro- or nanosecond timestamps). */
export function readPcap(bytes: Uint8Array): Capture {
  const fail = (reason: string, offset: number): never => { throw new CaptureError(reason, offset, 'pcap'); };
  if (bytes.length < HEADER) fail(`file of ${bytes.length} bytes is shorter than the 24-byte header`, 0);
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let le = true;
  let magic = v.getUint32(0, true);
  if (magic !== PCAP_MAGIC_US && magic !== PCAP_MAGIC_NS) {
    le = false;
    magic = v.getUint32(0, false);
    if (magic !== PCAP_MAGIC_US && magic !== PCAP_MAGIC_NS) fail(`bad magic 0x${v.getUint32(0, false).toString(16).padStart(8, '0')}`, 0);
  }
  const nanos = magic === PCAP_MAGIC_NS;
  const major = v.getUint16(4, le);
  if (major !== 2) fail(`unsupported version ${major}.${v.getUint16(6, le)}`, 4);
  const snaplen = v.getUint32(16, le);
  const linkType = v.getUint32(20, le) & 0x0fff_ffff;
  const packets: CapturedPacket[] = [];
  let at = HEADER;
  while (at < bytes.length) {
    if (at + RECORD > bytes.length) fail(`record header truncated (${bytes.length - at} of 16 bytes)`, at);
    const sec = v.getUint32(at, le);
    const frac = v.getUint32(at + 4, le);
    const incl = v.getUint32(at + 8, le);
    const orig = v.getUint32(at + 12, le);
    if (frac >= (nanos ? 1e9 : 1e6)) fail(`timestamp fraction ${frac} out of range`, at + 4);
    if (incl > Math.max(snaplen, MAX_RECORD)) fail(`record of ${incl} bytes exceeds the snapshot length ${snaplen}`, at + 8);
    if (at + RECORD + incl > bytes.length) fail(`record data truncated (${bytes.length - at - RECORD} of ${incl} bytes)`, at + RECORD);
    packets.push({
      data: bytes.slice(at + RECORD, at + RECORD + incl),
      originalLength: Math.max(orig, incl),
      timestampNs: BigInt(sec) * 1_000_000_000n + BigInt(frac) * (nanos ? 1n : 1000n),
      interfaceId: 0,
      linkType,
    });
    at += RECORD + incl;
  }
  return { format: 'pcap', interfaces: [{ linkType, snaplen }], packets };
}

export interface PcapWriteOptions {
  readonly linkType?: number;
  readonly snaplen?: number;
  /** Nanosecond timestamps (magic a1b23c4d); default microseconds. */
  readonly nanos?: boolean;
  readonly bigEndian?: boolean;
}

/** Writes packets as a classic pcap file. */
export function writePcap(packets: readonly Pick<CapturedPacket, 'data' | 'timestampNs' | 'originalLength'>[], options: PcapWriteOptions = {}): Uint8Array {
  const le = !options.bigEndian;
  const size = HEADER + packets.reduce((s, p) => s + RECORD + p.data.length, 0);
  const out = new Uint8Array(size);
  const v = new DataView(out.buffer);
  v.setUint32(0, options.nanos ? PCAP_MAGIC_NS : PCAP_MAGIC_US, le);
  v.setUint16(4, 2, le);
  v.setUint16(6, 4, le);
  v.setUint32(16, options.snaplen ?? 262_144, le);
  v.setUint32(20, options.linkType ?? LINKTYPE_ETHERNET, le);
  let at = HEADER;
  for (const p of packets) {
    const ts = p.timestampNs;
    v.setUint32(at, Number(ts / 1_000_000_000n), le);
    v.setUint32(at + 4, Number(options.nanos ? ts % 1_000_000_000n : (ts % 1_000_000_000n) / 1000n), le);
    v.setUint32(at + 8, p.data.length, le);
    v.setUint32(at + 12, Math.max(p.originalLength, p.data.length), le);
    out.set(p.data, at + RECORD);
    at += RECORD + p.data.length;
  }
  return out;
}
