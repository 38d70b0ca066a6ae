import { EFAULT, EINVAL } from '../maps/errno.js';
import { BPF_F_HDR_FIELD_MASK, BPF_F_IPV6, BPF_F_MARK_ENFORCE, BPF_F_MARK_MANGLED_0, BPF_F_PSEUDO_HDR } from '../uapi/flags.js';
import type { HelperContext } from '../engine/abi.js';
import { defineHelper, type HelperDefinition } from './definition.js';
import { guestRange } from './guest-memory.js';
import { csumDiff } from './csum.js';
import {
  csumReplace2, csumReplace4, csumReplaceByDiff, inetProtoCsumReplace4, inetProtoCsumReplaceByDiff, IpSummed,
  type SkbChecksumState,
} from './csum-replace.js';
import { skbArg } from './packet-access.js';
import { ret, u32, u64 } from './args.js';

/**
 * bpf_csum_diff(from, from_size, to, to_size, seed): the checksum difference
 * of two buffers, added to seed and folded to 16 bits (the kernel's result
 * since 6.12, the same on every architecture, which also takes sizes that
 * are not multiples of 4).
 */
const csumDiffHelper = defineHelper('csum_diff', ['ARG_PTR_TO_MEM_OR_NULL', 'ARG_CONST_SIZE_OR_ZERO', 'ARG_PTR_TO_MEM_OR_NULL', 'ARG_CONST_SIZE_OR_ZERO', 'ARG_ANYTHING'], 'RET_INTEGER', (env, r1, r2, r3, r4, r5) => {
  const fromSize = u32(r2);
  const toSize = u32(r4);
  const from = guestRange(env, r1, fromSize, false);
  const to = guestRange(env, r3, toSize, false);
  const bytes = env.arena.bytes;
  return BigInt(csumDiff(bytes.subarray(from, from + fromSize), bytes.subarray(to, to + toSize), u32(r5)));
});

const L4_FLAGS = BPF_F_MARK_MANGLED_0 | BPF_F_MARK_ENFORCE | BPF_F_PSEUDO_HDR | BPF_F_HDR_FIELD_MASK | BPF_F_IPV6;
/** CSUM_MANGLED_0: how UDP writes a checksum that computes to zero. */
const CSUM_MANGLED_0 = 0xffff;

/**
 * The arena offset of the 16-bit checksum field at skb->data + offset, or
 * -EFAULT as the kernel's checks give it: an odd offset or one above 0xffff,
 * or a field past skb->len (bpf_try_make_writable() fails to pull it).
 */
function checksumField(env: HelperContext, r1: bigint, offset: number, helper: string): number {
  const skb = skbArg(env, r1, helper);
  if (offset > 0xffff || (offset & 1) !== 0) return -EFAULT;
  if (offset + 2 > skb.len) return -EFAULT;
  return skb.data + offset;
}

/** The skb's checksum state: every skb tsbpf builds is a test run's, which the kernel makes CHECKSUM_NONE. */
const testRunChecksum = (): SkbChecksumState => ({ ipSummed: IpSummed.CHECKSUM_NONE, csum: 0 });

/**
 * bpf_l3_csum_replace(skb, offset, from, to, flags): updates the checksum
 * field at `offset` for a header field that changed from `from` to `to`
 * (flags & BPF_F_HDR_FIELD_MASK = its size, 2 or 4), or by a precomputed
 * difference in `to` (size 0, `from` must be 0).
 */
const l3CsumReplace = defineHelper('l3_csum_replace', ['ARG_PTR_TO_CTX', 'ARG_ANYTHING', 'ARG_ANYTHING', 'ARG_ANYTHING', 'ARG_ANYTHING'], 'RET_INTEGER', (env, r1, r2, r3, r4, r5) => {
  const flags = u64(r5);
  if ((flags & ~BPF_F_HDR_FIELD_MASK) !== 0n) return ret(-EINVAL);
  const at = checksumField(env, r1, u32(r2), 'bpf_l3_csum_replace');
  if (at < 0) return ret(at);
  const view = env.arena.view;
  const sum = view.getUint16(at, true);
  const from = u64(r3);
  const to = u64(r4);
  let next: number;
  switch (flags) {
    case 0n:
      if (from !== 0n) return ret(-EINVAL);
      next = csumReplaceByDiff(sum, u32(to));
      break;
    case 2n:
      next = csumReplace2(sum, Number(from & 0xffffn), Number(to & 0xffffn));
      break;
    case 4n:
      next = csumReplace4(sum, u32(from), u32(to));
      break;
    default:
      return ret(-EINVAL);
  }
  view.setUint16(at, next, true);
  return 0n;
}, { retErrnoOnly: true });

/**
 * bpf_l4_csum_replace(skb, offset, from, to, flags): as l3, for a TCP/UDP
 * checksum; BPF_F_PSEUDO_HDR marks fields of the pseudo-header (addresses),
 * BPF_F_MARK_MANGLED_0 leaves a zero (absent UDP) checksum alone unless
 * BPF_F_MARK_ENFORCE, and writes a result of 0 as CSUM_MANGLED_0.
 */
const l4CsumReplace = defineHelper('l4_csum_replace', ['ARG_PTR_TO_CTX', 'ARG_ANYTHING', 'ARG_ANYTHING', 'ARG_ANYTHING', 'ARG_ANYTHING'], 'RET_INTEGER', (env, r1, r2, r3, r4, r5) => {
  const flags = u64(r5);
  const pseudo = (flags & BPF_F_PSEUDO_HDR) !== 0n;
  const mangledZero = (flags & BPF_F_MARK_MANGLED_0) !== 0n;
  const enforce = (flags & BPF_F_MARK_ENFORCE) !== 0n;
  const ipv6 = (flags & BPF_F_IPV6) !== 0n;
  if ((flags & ~L4_FLAGS) !== 0n) return ret(-EINVAL);
  const at = checksumField(env, r1, u32(r2), 'bpf_l4_csum_replace');
  if (at < 0) return ret(at);
  const view = env.arena.view;
  const sum = view.getUint16(at, true);
  if (mangledZero && !enforce && sum === 0) return 0n;
  const from = u64(r3);
  const to = u64(r4);
  const skb = testRunChecksum();
  let next: number;
  switch (flags & BPF_F_HDR_FIELD_MASK) {
    case 0n:
      if (from !== 0n) return ret(-EINVAL);
      next = inetProtoCsumReplaceByDiff(sum, skb, u32(to), pseudo, ipv6);
      break;
    case 2n:
      // inet_proto_csum_replace2() widens the __be16 values to __be32.
      next = inetProtoCsumReplace4(sum, skb, Number(from & 0xffffn), Number(to & 0xffffn), pseudo);
      break;
    case 4n:
      next = inetProtoCsumReplace4(sum, skb, u32(from), u32(to), pseudo);
      break;
    default:
      return ret(-EINVAL);
  }
  view.setUint16(at, mangledZero && next === 0 ? CSUM_MANGLED_0 : next, true);
  return 0n;
}, { retErrnoOnly: true });

export const CSUM_HELPERS: readonly HelperDefinition[] = [csumDiffHelper, l3CsumReplace, l4CsumReplace];
