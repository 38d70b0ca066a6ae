import { StackTraceMap, STACK_BUILD_ID_SIZE } from '../maps/stack-trace-map.js';
import { EFAULT, EINVAL } from '../maps/errno.js';
import {
  BPF_F_FAST_STACK_CMP, BPF_F_REUSE_STACKID, BPF_F_SKIP_FIELD_MASK, BPF_F_USER_BUILD_ID, BPF_F_USER_STACK,
} from '../uapi/flags.js';
import { defineHelper, type HelperDefinition } from './definition.js';
import { guestRange } from './guest-memory.js';
import { typedMapArg } from './map-access.js';
import { ret, u32, u64 } from './args.js';

// Stack traces. A program in the VM has no kernel or user call chain the
// kernel's perf callchain code could walk, so these answer as the kernel does
// when get_perf_callchain() gives nothing: -EFAULT, after the same argument
// checks (a bad flag is still -EINVAL).

/** bpf_get_stackid(ctx, map, flags): the id of the trace in a stack_trace map. */
const getStackid = defineHelper('get_stackid', ['ARG_PTR_TO_CTX', 'ARG_CONST_MAP_PTR', 'ARG_ANYTHING'], 'RET_INTEGER', (env, _r1, r2, r3) => {
  typedMapArg(env, r2, 'bpf_get_stackid', StackTraceMap);
  const flags = u64(r3);
  if ((flags & ~(BPF_F_SKIP_FIELD_MASK | BPF_F_USER_STACK | BPF_F_FAST_STACK_CMP | BPF_F_REUSE_STACKID)) !== 0n) return ret(-EINVAL);
  return ret(-EFAULT);
}, { gplOnly: true });

/** bpf_get_stack(ctx, buf, size, flags): the trace copied into buf; on failure buf is zeroed. */
const getStack = defineHelper('get_stack', ['ARG_PTR_TO_CTX', 'ARG_PTR_TO_UNINIT_MEM', 'ARG_CONST_SIZE_OR_ZERO', 'ARG_ANYTHING'], 'RET_INTEGER', (env, _r1, r2, r3, r4) => {
  const size = u32(r3);
  const flags = u64(r4);
  const user = (flags & BPF_F_USER_STACK) !== 0n;
  const buildId = (flags & BPF_F_USER_BUILD_ID) !== 0n;
  let err = -EFAULT;
  if ((flags & ~(BPF_F_SKIP_FIELD_MASK | BPF_F_USER_STACK | BPF_F_USER_BUILD_ID)) !== 0n || (buildId && !user)) err = -EINVAL;
  else if (size % (buildId ? STACK_BUILD_ID_SIZE : 8) !== 0) err = -EINVAL;
  if (size > 0) {
    const dst = guestRange(env, r2, size, true);
    env.arena.bytes.fill(0, dst, dst + size);
  }
  return ret(err);
}, { gplOnly: true });

export const STACK_HELPERS: readonly HelperDefinition[] = [getStackid, getStack];
