// Incremental checksum updates as include/net/checksum.h and
// net/core/utils.c compute them (what bpf_l3_csum_replace and
// bpf_l4_csum_replace do to a 16-bit checksum field). Values are the raw
// native-endian (little-endian) u16/u32 the kernel reads from the packet:
// the program passes header fields as it loaded them, in network order.
import { csumAdd, csumFold, csumSub } from './csum.js';

/** skb->ip_summed. bpf_prog_test_run_skb() builds its skb with CHECKSUM_NONE. */
export const enum IpSummed {
  CHECKSUM_NONE = 0,
  CHECKSUM_UNNECESSARY = 1,
  CHECKSUM_COMPLETE = 2,
  CHECKSUM_PARTIAL = 3,
}

/** What the inet_proto_* functions may change besides the field: skb->csum. */
export interface SkbChecksumState {
  readonly ipSummed: IpSummed;
  /** skb->csum (__wsum), updated in CHECKSUM_COMPLETE for pseudo-header fields. */
  csum: number;
}

const u16 = (n: number): number => n & 0xffff;

/** csum16_add(): 16-bit one's-complement addition. */
function csum16Add(csum: number, addend: number): number {
  const res = u16(csum) + u16(addend);
  return u16(res + (res > 0xffff ? 1 : 0));
}

/** csum_replace2(sum, old, new) -> the new field value. */
export function csumReplace2(sum: number, from: number, to: number): number {
  return u16(~csum16Add(csum16Add(u16(~sum), u16(~from)), to));
}

/** csum_replace4(sum, from, to) -> the new field value. */
export function csumReplace4(sum: number, from: number, to: number): number {
  const tmp = csumSub(~u16(sum) >>> 0, from >>> 0);
  return csumFold(csumAdd(tmp, to >>> 0));
}

/** csum_replace_by_diff(sum, diff) -> the new field value. */
export function csumReplaceByDiff(sum: number, diff: number): number {
  return csumFold(csumAdd(diff >>> 0, ~u16(sum) >>> 0));
}

/** inet_proto_csum_replace4(): the L4 field (and skb->csum for pseudo-header fields) -> the new field value. */
export function inetProtoCsumReplace4(sum: number, skb: SkbChecksumState, from: number, to: number, pseudohdr: boolean): number {
  if (skb.ipSummed !== IpSummed.CHECKSUM_PARTIAL) {
    const next = csumReplace4(sum, from, to);
    if (skb.ipSummed === IpSummed.CHECKSUM_COMPLETE && pseudohdr) {
      skb.csum = ~csumAdd(csumSub(~skb.csum >>> 0, from >>> 0), to >>> 0) >>> 0;
    }
    return next;
  }
  // CHECKSUM_PARTIAL: the field holds the pseudo-header sum, which only pseudo-header fields change.
  if (pseudohdr) return u16(~csumFold(csumAdd(csumSub(u16(sum), from >>> 0), to >>> 0)));
  return u16(sum);
}

/** inet_proto_csum_replace_by_diff() (6.16+, with its ipv6 argument) -> the new field value. */
export function inetProtoCsumReplaceByDiff(sum: number, skb: SkbChecksumState, diff: number, pseudohdr: boolean, ipv6: boolean): number {
  if (skb.ipSummed !== IpSummed.CHECKSUM_PARTIAL) {
    const next = csumReplaceByDiff(sum, diff);
    if (skb.ipSummed === IpSummed.CHECKSUM_COMPLETE && pseudohdr && !ipv6) skb.csum = ~csumSub(diff >>> 0, skb.csum >>> 0) >>> 0;
    return next;
  }
  if (pseudohdr) return u16(~csumFold(csumAdd(u16(sum), diff >>> 0)));
  return u16(sum);
}
