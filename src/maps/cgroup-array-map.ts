import type { Arena } from '../memory/arena.js';
import type { ResolvedMapDefinition } from './definition.js';
import { FdArrayBase } from './fd-array-base.js';
import { E2BIG, EAGAIN, EBADF } from './errno.js';

/** A cgroup a cgroup_array slot may hold; the VM has none to offer. */
type Cgroup = never;

/**
 * BPF_MAP_TYPE_CGROUP_ARRAY: cgroups by index, for bpf_current_task_under_cgroup()
 * and bpf_skb_under_cgroup(). The VM has no cgroups, so no update can name one
 * (-EBADF, what cgroup_get_from_fd() gives for a descriptor that is not open)
 * and every slot stays empty: the helpers answer -EAGAIN, as the kernel does
 * for an empty slot. Tools that only consult the map behind an option (bcc's
 * filter_cg) load and run unchanged.
 */
export class CgroupArrayMap extends FdArrayBase<Cgroup> {
  constructor(arena: Arena, def: ResolvedMapDefinition) {
    super(arena, def);
  }

  /** What the *_under_cgroup helpers return for slot `index`: out of range, or empty (no slot ever holds a cgroup). */
  underCgroup(index: number): number {
    return index >= this.def.maxEntries ? -E2BIG : -EAGAIN;
  }

  protected resolve(): number {
    return -EBADF;
  }

  protected idOf(): undefined {
    return undefined;
  }

  /** cgroup_array_map_ops has no map_fd_sys_lookup_elem. */
  protected override readonly sysLookupSupported = false;
}
