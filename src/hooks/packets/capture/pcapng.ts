import { CaptureError, LINKTYPE_ETHERNET, type Capture, type CapturedPacket, type CaptureInterface } from './capture.js';

export const PCAPNG_SHB = 0x0a0d0d0a;
const BYTE_ORDER_MAGIC = 0x1a2b3c4d;
const IDB = 1;
const OBSOLETE_PB = 2;
const SPB = 3;
const EPB = 6;
const OPT_ENDOFOPT = 0;
const IF_NAME = 2;
const IF_TSRESOL = 9;
/** Blocks larger than this are refused as corrupt (Wireshark's limit). */
const MAX_BLOCK = 16 * 1024 * 1024;

interface SectionInterface extends CaptureInterface {
  /** Timestamp units per second. */
  readonly unitsPerSecond: bigint;
}

/** Reads a pcapng file: every section (each with its own byte order) and interface; EPB, SPB and obsolete PB packets. */
export function readPcapng(bytes: Uint8Array): Capture {
  const fail = (reason: string, offset: number): never => { throw new CaptureError(reason, offset, 'pcapng'); };
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const all: CaptureInterface[] = [];
  const packets: CapturedPacket[] = [];
  let section: SectionInterface[] = [];
  let base = 0;
  let le = true;
  let at = 0;
  while (at < bytes.length) {
    if (at + 12 > bytes.length) fail(`block header truncated (${bytes.length - at} bytes left)`, at);
    const type = v.getUint32(at, true);
    if (type === PCAPNG_SHB) {
      if (at + 16 > bytes.length) fail('section header block truncated', at);
      const bom = v.getUint32(at + 8, true);
      if (bom === BYTE_ORDER_MAGIC) le = true;
      else if (v.getUint32(at + 8, false) === BYTE_ORDER_MAGIC) le = false;
      else fail(`bad byte-order magic 0x${bom.toString(16)}`, at + 8);
      const major = v.getUint16(at + 12, le);
      if (major !== 1) fail(`unsupported version ${major}.${v.getUint16(at + 14, le)}`, at + 12);
      base = all.length;
      section = [];
    } else if (at === 0) {
      fail(`does not start with a section header block (block type 0x${type.toString(16)})`, 0);
    }
    const len = v.getUint32(at + 4, le);
    if (len < 12 || len % 4 !== 0 || len > MAX_BLOCK) fail(`bad block length ${len}`, at + 4);
    if (at + len > bytes.length) fail(`block of ${len} bytes truncated (${bytes.length - at} bytes left)`, at);
    if (v.getUint32(at + len - 4, le) !== len) fail(`trailing block length ${v.getUint32(at + len - 4, le)} differs from ${len}`, at + len - 4);
    const blockType = type === PCAPNG_SHB ? type : v.getUint32(at, le);
    const body = at + 8;
    const end = at + len - 4;
    const need = (n: number): void => { if (body + n > end) fail(`block type ${blockType} body of ${end - body} bytes, needs ${n}`, body); };
    const iface = (id: number, where: number): SectionInterface => section[id] ?? fail(`packet of interface ${id}, which is not described`, where);
    const push = (ifId: number, tsHigh: number, tsLow: number, data: Uint8Array, orig: number): void => {
      const i = iface(ifId, body);
      const ticks = (BigInt(tsHigh) << 32n) | BigInt(tsLow);
      packets.push({
        data, originalLength: Math.max(orig, data.length), interfaceId: base + ifId, linkType: i.linkType,
        timestampNs: (ticks * 1_000_000_000n) / i.unitsPerSecond,
      });
    };
    switch (blockType) {
      case PCAPNG_SHB:
        break;
      case IDB: {
        need(8);
        const linkType = v.getUint16(body, le);
        const snaplen = v.getUint32(body + 4, le);
        let unitsPerSecond = 1_000_000n;
        let name: string | undefined;
        readOptions(v, body + 8, end, le, fail, (code, o, olen) => {
          if (code === IF_TSRESOL && olen >= 1) {
            const r = v.getUint8(o);
            unitsPerSecond = (r & 0x80) !== 0 ? 1n << BigInt(r & 0x7f) : 10n ** BigInt(r);
          } else if (code === IF_NAME) {
            name = new TextDecoder().decode(bytes.subarray(o, o + olen));
          }
        });
        const i: SectionInterface = { linkType, snaplen, unitsPerSecond, ...(name !== undefined ? { name } : {}) };
        section.push(i);
        all.push({ linkType, snaplen, ...(name !== undefined ? { name } : {}) });
        break;
      }
      case EPB: {
        need(20);
        const caplen = v.getUint32(body + 12, le);
        need(20 + caplen);
        push(v.getUint32(body, le), v.getUint32(body + 4, le), v.getUint32(body + 8, le),
          bytes.slice(body + 20, body + 20 + caplen), v.getUint32(body + 16, le));
        break;
      }
      case OBSOLETE_PB: {
        need(20);
        const caplen = v.getUint32(body + 12, le);
        need(20 + caplen);
        push(v.getUint16(body, le), v.getUint32(body + 4, le), v.getUint32(body + 8, le),
          bytes.slice(body + 20, body + 20 + caplen), v.getUint32(body + 16, le));
        break;
      }
      case SPB: {
        need(4);
        const orig = v.getUint32(body, le);
        const i = iface(0, body);
        const caplen = Math.min(orig, i.snaplen || orig, end - body - 4);
        const p = { data: bytes.slice(body + 4, body + 4 + caplen), originalLength: orig, interfaceId: base, linkType: i.linkType, timestampNs: 0n };
        packets.push(p);
        break;
      }
      default:
        break; // name resolution, statistics, custom and other blocks carry no packets
    }
    at += len;
  }
  return { format: 'pcapng', interfaces: all, packets };
}

function readOptions(
  v: DataView, start: number, end: number, le: boolean, fail: (reason: string, offset: number) => never,
  visit: (code: number, valueOffset: number, length: number) => void,
): void {
  let o = start;
  while (o + 4 <= end) {
    const code = v.getUint16(o, le);
    const len = v.getUint16(o + 2, le);
    if (code === OPT_ENDOFOPT) return;
    if (o + 4 + len > end) fail(`option ${code} of ${len} bytes runs past its block`, o);
    visit(code, o + 4, len);
    o += 4 + ((len + 3) & ~3);
  }
}

export interface PcapngWriteOptions {
  readonly linkType?: number;
  readonly snaplen?: number;
  readonly interfaceName?: string;
}

/** Writes packets as a pcapng file: one section, one interface with nanosecond timestamps, EPBs. */
export function writePcapng(packets: readonly Pick<CapturedPacket, 'data' | 'timestampNs' | 'originalLength'>[], options: PcapngWriteOptions = {}): Uint8Array {
  const blocks: Uint8Array[] = [];
  const block = (type: number, body: Uint8Array): void => {
    const len = 12 + ((body.length + 3) & ~3);
    const b = new Uint8Array(len);
    const v = new DataView(b.buffer);
    v.setUint32(0, type, true);
    v.setUint32(4, len, true);
    b.set(body, 8);
    v.setUint32(len - 4, len, true);
    blocks.push(b);
  };
  const shb = new Uint8Array(16);
  const sv = new DataView(shb.buffer);
  sv.setUint32(0, BYTE_ORDER_MAGIC, true);
  sv.setUint16(4, 1, true);
  sv.setUint16(6, 0, true);
  sv.setBigInt64(8, -1n, true);
  block(PCAPNG_SHB, shb);
  const name = new TextEncoder().encode(options.interfaceName ?? 'tsbpf');
  const opts = [option(IF_NAME, name), option(IF_TSRESOL, Uint8Array.of(9)), new Uint8Array(4)];
  const idb = new Uint8Array(8 + opts.reduce((s, o) => s + o.length, 0));
  const iv = new DataView(idb.buffer);
  iv.setUint16(0, options.linkType ?? LINKTYPE_ETHERNET, true);
  iv.setUint32(4, options.snaplen ?? 262_144, true);
  let o = 8;
  for (const x of opts) { idb.set(x, o); o += x.length; }
  block(IDB, idb);
  for (const p of packets) {
    const body = new Uint8Array(20 + ((p.data.length + 3) & ~3));
    const v = new DataView(body.buffer);
    v.setUint32(0, 0, true);
    v.setUint32(4, Number(p.timestampNs >> 32n), true);
    v.setUint32(8, Number(p.timestampNs & 0xffff_ffffn), true);
    v.setUint32(12, p.data.length, true);
    v.setUint32(16, Math.max(p.originalLength, p.data.length), true);
    body.set(p.data, 20);
    block(EPB, body);
  }
  const out = new Uint8Array(blocks.reduce((s, b) => s + b.length, 0));
  let at = 0;
  for (const b of blocks) { out.set(b, at); at += b.length; }
  return out;
}

function option(code: number, value: Uint8Array): Uint8Array {
  const out = new Uint8Array(4 + ((value.length + 3) & ~3));
  const v = new DataView(out.buffer);
  v.setUint16(0, code, true);
  v.setUint16(2, value.length, true);
  out.set(value, 4);
  return out;
}
