import { EINVAL } from '../maps/errno.js';
import { defineHelper, type HelperDefinition } from './definition.js';
import { guestRange } from './guest-memory.js';
import { csumPartial } from './csum.js';
import { ret, u32 } from './args.js';

/** Size of the kernel's per-CPU scratch pad (struct bpf_scratchpad): from_size + to_size at most 512. */
const SCRATCH = 512;

/**
 * bpf_csum_diff(from, from_size, to, to_size, seed): csum_partial over
 * ~from[] followed by to[] (u32 words), starting from seed; sizes must be
 * multiples of 4 and add up to at most 512 bytes.
 */
const csumDiff = defineHelper('csum_diff', ['ARG_PTR_TO_MEM_OR_NULL', 'ARG_CONST_SIZE_OR_ZERO', 'ARG_PTR_TO_MEM_OR_NULL', 'ARG_CONST_SIZE_OR_ZERO', 'ARG_ANYTHING'], 'RET_INTEGER', (env, r1, r2, r3, r4, r5) => {
  const fromSize = u32(r2);
  const toSize = u32(r4);
  if (((fromSize | toSize) & 3) !== 0 || fromSize + toSize > SCRATCH) return ret(-EINVAL);
  const from = guestRange(env, r1, fromSize, false);
  const to = guestRange(env, r3, toSize, false);
  const bytes = env.arena.bytes;
  const diff = new Uint8Array(fromSize + toSize);
  for (let i = 0; i < fromSize; i++) diff[i] = ~bytes[from + i] & 0xff;
  diff.set(bytes.subarray(to, to + toSize), fromSize);
  return BigInt(csumPartial(diff, u32(r5)));
});

export const CSUM_HELPERS: readonly HelperDefinition[] = [csumDiff];
