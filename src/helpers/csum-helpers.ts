import { EINVAL } from '../maps/errno.js';
import { defineHelper, type HelperDefinition } from './definition.js';
import { guestRange } from './guest-memory.js';
import { csumDiff } from './csum.js';
import { ret, u32 } from './args.js';

/**
 * bpf_csum_diff(from, from_size, to, to_size, seed): the checksum difference
 * of two buffers of u32 words, added to seed and folded to 16 bits (the
 * kernel's result since 6.12, the same on every architecture); -EINVAL when
 * a size is not a multiple of 4.
 */
const csumDiffHelper = defineHelper('csum_diff', ['ARG_PTR_TO_MEM_OR_NULL', 'ARG_CONST_SIZE_OR_ZERO', 'ARG_PTR_TO_MEM_OR_NULL', 'ARG_CONST_SIZE_OR_ZERO', 'ARG_ANYTHING'], 'RET_INTEGER', (env, r1, r2, r3, r4, r5) => {
  const fromSize = u32(r2);
  const toSize = u32(r4);
  if (((fromSize | toSize) & 3) !== 0) return ret(-EINVAL);
  const from = guestRange(env, r1, fromSize, false);
  const to = guestRange(env, r3, toSize, false);
  const bytes = env.arena.bytes;
  return BigInt(csumDiff(bytes.subarray(from, from + fromSize), bytes.subarray(to, to + toSize), u32(r5)));
});

export const CSUM_HELPERS: readonly HelperDefinition[] = [csumDiffHelper];
