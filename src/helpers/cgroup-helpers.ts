import { CgroupArrayMap } from '../maps/cgroup-array-map.js';
import { defineHelper, type HelperDefinition } from './definition.js';
import { typedMapArg } from './map-access.js';
import { skbArg } from './packet-access.js';
import { ret, u32 } from './args.js';

// Cgroup membership against a cgroup_array slot. The VM's slots are always
// empty (cgroup-array-map.ts), so the answers are the kernel's for an empty
// slot: -E2BIG out of range, else -EAGAIN.

/** bpf_current_task_under_cgroup(map, index). */
const currentTaskUnderCgroup = defineHelper('current_task_under_cgroup', ['ARG_CONST_MAP_PTR', 'ARG_ANYTHING'], 'RET_INTEGER', (env, r1, r2) =>
  ret(typedMapArg(env, r1, 'bpf_current_task_under_cgroup', CgroupArrayMap).underCgroup(u32(r2))));

/** bpf_skb_under_cgroup(skb, map, index): a test-run skb has a full socket, as the kernel's has, so the slot decides. */
const skbUnderCgroup = defineHelper('skb_under_cgroup', ['ARG_PTR_TO_CTX', 'ARG_CONST_MAP_PTR', 'ARG_ANYTHING'], 'RET_INTEGER', (env, r1, r2, r3) => {
  skbArg(env, r1, 'bpf_skb_under_cgroup');
  return ret(typedMapArg(env, r2, 'bpf_skb_under_cgroup', CgroupArrayMap).underCgroup(u32(r3)));
});

export const CGROUP_HELPERS: readonly HelperDefinition[] = [currentTaskUnderCgroup, skbUnderCgroup];
