// The compute benchmarks: each a program body over a packet, in LLVM's
// assembly syntax, that expects r2 = first byte, r3 = one past the last byte
// (as XDP's data/data_end), leaves its result in r0, and is wrapped by
// `entry`/`exit` code per backend (see bench/compute.ts).

export interface ComputeProgram {
  readonly name: string;
  readonly description: string;
  /** Body: reads [r2, r3), may use r0..r9 except r9 (the packet start kept for the epilogue). */
  readonly body: string;
  /** The packet every run gets. */
  readonly packet: () => Uint8Array;
}

const KIB = 1024;

/** Deterministic bytes (a 32-bit LCG), so that every run and backend sees the same packet. */
function pseudoRandomBytes(length: number, seed: number): Uint8Array {
  const bytes = new Uint8Array(length);
  let state = seed >>> 0;
  for (let i = 0; i < length; i++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    bytes[i] = state >>> 24;
  }
  return bytes;
}

/** Ethernet + IPv4 + UDP headers, then type-length-value records up to `length` bytes. */
function tlvPacket(length: number): Uint8Array {
  const bytes = pseudoRandomBytes(length, 7);
  bytes.set([0x02, 0, 0, 0, 0, 1, 0x02, 0, 0, 0, 0, 2, 0x08, 0x00], 0); // Ethernet, EtherType IPv4
  bytes.set([0x45, 0, (length - 14) >> 8, (length - 14) & 0xff, 0, 0, 0x40, 0, 64, 17, 0, 0, 10, 0, 0, 1, 10, 0, 0, 2], 14);
  bytes.set([0x30, 0x39, 0x10, 0x92, (length - 34) >> 8, (length - 34) & 0xff, 0, 0], 34);
  for (let at = 42; at + 2 <= length;) {
    const size = Math.min(bytes[at + 1] & 0x1f, length - at - 2);
    bytes[at] &= 3; // record types 0..3
    bytes[at + 1] = size;
    at += 2 + size;
  }
  return bytes;
}

export const COMPUTE_PROGRAMS: readonly ComputeProgram[] = [
  {
    name: 'fnv1a-1k',
    description: '64-bit FNV-1a hash of a 1 KiB packet, one byte per iteration',
    packet: () => pseudoRandomBytes(KIB, 1),
    body: `
      r0 = 0xcbf29ce484222325 ll
      r4 = 0x100000001b3 ll
      r6 = 0
    fnv_loop:
      r5 = r2
      r5 += 1
      if r5 > r3 goto fnv_done
      r1 = *(u8 *)(r2 + 0)
      r0 ^= r1
      r0 *= r4
      r2 += 1
      r6 += 1
      if r6 < ${KIB} goto fnv_loop
    fnv_done:
    `,
  },
  {
    name: 'csum-1k',
    description: 'Internet checksum (RFC 1071) of a 1 KiB packet, 16-bit words, folded',
    packet: () => pseudoRandomBytes(KIB, 2),
    body: `
      r0 = 0
      r6 = 0
    csum_loop:
      r5 = r2
      r5 += 2
      if r5 > r3 goto csum_fold
      r1 = *(u16 *)(r2 + 0)
      r0 += r1
      r2 += 2
      r6 += 1
      if r6 < ${KIB / 2} goto csum_loop
    csum_fold:
      r1 = r0
      r1 >>= 16
      r0 &= 0xffff
      r0 += r1
      r1 = r0
      r1 >>= 16
      r0 &= 0xffff
      r0 += r1
      r0 ^= 0xffff
    `,
  },
  {
    name: 'xorshift-mod',
    description: '1000 rounds of xorshift64 with a modulo, seeded from the packet',
    packet: () => pseudoRandomBytes(64, 3),
    body: `
      r5 = r2
      r5 += 8
      r0 = 0
      if r5 > r3 goto xs_done
      r1 = *(u64 *)(r2 + 0)
      r1 |= 1
      r7 = 0
      r6 = 0
    xs_loop:
      r4 = r1
      r4 <<= 13
      r1 ^= r4
      r4 = r1
      r4 >>= 7
      r1 ^= r4
      r4 = r1
      r4 <<= 17
      r1 ^= r4
      r4 = r1
      r4 %= 1000003
      r7 += r4
      r6 += 1
      if r6 < 1000 goto xs_loop
      r0 = r7
    xs_done:
    `,
  },
  {
    name: 'parse-count',
    description: 'Ethernet/IPv4/UDP header checks, then count type-1 TLV records in the payload (up to 128)',
    packet: () => tlvPacket(KIB),
    body: `
      r0 = 0
      r5 = r2
      r5 += 42
      if r5 > r3 goto pc_done
      r1 = *(u16 *)(r2 + 12)
      if r1 != 0x8 goto pc_done
      r1 = *(u8 *)(r2 + 14)
      if r1 != 0x45 goto pc_done
      r1 = *(u8 *)(r2 + 23)
      if r1 != 17 goto pc_done
      r2 += 42
      r6 = 0
    pc_loop:
      r5 = r2
      r5 += 2
      if r5 > r3 goto pc_done
      r1 = *(u8 *)(r2 + 0)
      r4 = *(u8 *)(r2 + 1)
      if r1 != 1 goto pc_next
      r0 += 1
    pc_next:
      r4 &= 0x1f
      r2 += r4
      r2 += 2
      r6 += 1
      if r6 < 128 goto pc_loop
    pc_done:
    `,
  },
];
