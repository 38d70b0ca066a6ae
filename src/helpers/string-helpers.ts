import { defineHelper, type HelperDefinition } from './definition.js';
import { guestCString, guestRange } from './guest-memory.js';
import { ret, u32 } from './args.js';

/**
 * bpf_strncmp(s1, s1_sz, s2): the kernel's strncmp(s1, s2, s1_sz) with s2 a
 * read-only NUL-terminated string: 0 when equal, -1 or 1 by the first
 * differing byte (unsigned).
 */
const strncmp = defineHelper('strncmp', ['ARG_PTR_TO_MEM', 'ARG_CONST_SIZE', 'ARG_PTR_TO_CONST_STR'], 'RET_INTEGER', (env, r1, r2, r3) => {
  const count = u32(r2);
  const s1 = guestRange(env, r1, count, false);
  const s2 = guestCString(env, r3);
  const bytes = env.arena.bytes;
  for (let i = 0; i < count; i++) {
    const c1 = bytes[s1 + i];
    const c2 = i < s2.length ? s2[i] : 0;
    if (c1 !== c2) return ret(c1 < c2 ? -1 : 1);
    if (c1 === 0) break;
  }
  return 0n;
});

export const STRING_HELPERS: readonly HelperDefinition[] = [strncmp];
