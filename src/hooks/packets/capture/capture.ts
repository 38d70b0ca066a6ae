import { TsbpfError } from '../../../errors.js';

/** LINKTYPE_ETHERNET: frames with a 14-byte Ethernet header (what Linux's loopback captures as). */
export const LINKTYPE_ETHERNET = 1;
/** LINKTYPE_RAW: bare IPv4/IPv6 packets. */
export const LINKTYPE_RAW = 101;

/** One packet of a capture file. */
export interface CapturedPacket {
  /** The bytes captured (possibly fewer than were on the wire). */
  readonly data: Uint8Array;
  /** Length on the wire. */
  readonly originalLength: number;
  /** Nanoseconds since the Unix epoch. */
  readonly timestampNs: bigint;
  /** The packet's interface (pcapng; 0 in pcap files). */
  readonly interfaceId: number;
  /** The interface's link type (LINKTYPE_*). */
  readonly linkType: number;
}

export interface CaptureInterface {
  readonly linkType: number;
  readonly snaplen: number;
  readonly name?: string;
}

/** A capture file's packets, whatever its format. */
export interface Capture {
  readonly format: 'pcap' | 'pcapng';
  readonly interfaces: readonly CaptureInterface[];
  readonly packets: readonly CapturedPacket[];
}

/** A capture file that cannot be read: says what is wrong and at which byte offset. */
export class CaptureError extends TsbpfError {
  constructor(readonly reason: string, readonly offset: number, readonly format: 'pcap' | 'pcapng' | 'capture') {
    super(`${format} at byte offset ${offset}: ${reason}`);
  }
}
