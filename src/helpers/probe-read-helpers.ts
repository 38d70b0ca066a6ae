import { EFAULT } from '../maps/errno.js';
import type { HelperName } from './ids.js';
import { defineHelper, type HelperDefinition } from './definition.js';
import { guestRange, probeRange, probeString } from './guest-memory.js';
import { ret, u32 } from './args.js';

// bpf_probe_read*: copy from memory the program does not own, which may
// fault. "Memory" is the arena: a source byte outside every region faults,
// and then the destination is zeroed and the result is -EFAULT, as in the
// kernel. User and kernel variants behave alike (one address space).

function probeRead(name: HelperName, gplOnly = true): HelperDefinition {
  return defineHelper(name, ['ARG_PTR_TO_UNINIT_MEM', 'ARG_CONST_SIZE_OR_ZERO', 'ARG_ANYTHING'], 'RET_INTEGER', (env, r1, r2, r3) => {
    const size = u32(r2);
    const dst = guestRange(env, r1, size, true);
    const src = probeRange(env.arena, r3, size);
    const bytes = env.arena.bytes;
    if (src < 0) {
      bytes.fill(0, dst, dst + size);
      return ret(-EFAULT);
    }
    bytes.copyWithin(dst, src, src + size);
    return 0n;
  }, { gplOnly, retErrnoOnly: true });
}

/** The _str variants: a NUL-terminated copy of at most size bytes; returns its length with the NUL. */
function probeReadStr(name: HelperName): HelperDefinition {
  return defineHelper(name, ['ARG_PTR_TO_UNINIT_MEM', 'ARG_CONST_SIZE_OR_ZERO', 'ARG_ANYTHING'], 'RET_INTEGER', (env, r1, r2, r3) => {
    const size = u32(r2);
    if (size === 0) return 0n;
    const dst = guestRange(env, r1, size, true);
    const str = probeString(env.arena, r3, size);
    const bytes = env.arena.bytes;
    if (str === null) {
      bytes.fill(0, dst, dst + size);
      return ret(-EFAULT);
    }
    bytes.set(str, dst);
    bytes[dst + str.length] = 0;
    return BigInt(str.length + 1);
  }, { gplOnly: true });
}

export const PROBE_READ_HELPERS: readonly HelperDefinition[] = [
  probeRead('probe_read'), probeRead('probe_read_kernel'), probeRead('probe_read_user'),
  // bpf_copy_from_user: probe_read_user for sleepable programs (the verifier refuses it elsewhere), not GPL-only.
  probeRead('copy_from_user', false),
  probeReadStr('probe_read_str'), probeReadStr('probe_read_kernel_str'), probeReadStr('probe_read_user_str'),
];
