import { readFileSync } from 'node:fs';
import { CaptureError, type Capture } from './capture.js';
import { PCAP_MAGIC_NS, PCAP_MAGIC_US, readPcap } from './pcap.js';
import { PCAPNG_SHB, readPcapng } from './pcapng.js';

/** Reads a pcap or pcapng file, telling them apart by their first four bytes. */
export function readCapture(bytes: Uint8Array): Capture {
  if (bytes.length < 4) throw new CaptureError(`file of ${bytes.length} bytes is too short to be a capture`, 0, 'capture');
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const le = v.getUint32(0, true);
  const be = v.getUint32(0, false);
  if (le === PCAPNG_SHB) return readPcapng(bytes);
  if ([PCAP_MAGIC_US, PCAP_MAGIC_NS].includes(le) || [PCAP_MAGIC_US, PCAP_MAGIC_NS].includes(be)) return readPcap(bytes);
  throw new CaptureError(`not a pcap or pcapng file (magic 0x${be.toString(16).padStart(8, '0')})`, 0, 'capture');
}

/** Reads a capture file from disk. */
export function readCaptureFile(path: string): Capture {
  return readCapture(new Uint8Array(readFileSync(path)));
}
