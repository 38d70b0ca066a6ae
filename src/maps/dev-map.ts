import type { Arena } from '../memory/arena.js';
import type { ResolvedMapDefinition } from './definition.js';
import { checkRedirectMapDefinition, DEV_CREATE_FLAG_MASK } from './redirect-target-map.js';
import { IndexedRedirectMap } from './indexed-redirect-map.js';
import { devmapValue, writeDevmapValue } from './dev-map-value.js';
import { E2BIG, EEXIST, EINVAL } from './errno.js';
import { BPF_EXIST, BPF_NOEXIST } from './flags.js';

/**
 * BPF_MAP_TYPE_DEVMAP: an array of network devices (value: u32 ifindex, or
 * struct bpf_devmap_val with a program to run before transmit) that
 * bpf_redirect_map() forwards to. As in kernel/bpf/devmap.c, an ifindex of
 * 0 empties a slot, BPF_NOEXIST always fails (slots always exist), and
 * deletes of empty slots succeed.
 */
export class DevMap extends IndexedRedirectMap {
  constructor(arena: Arena, def: ResolvedMapDefinition) {
    super(arena, def, (d) => checkRedirectMapDefinition(d, [4, 8], DEV_CREATE_FLAG_MASK));
  }

  /** __dev_map_update_elem(). */
  protected override sysUpdate(keyOffset: number, valueOffset: number, flags: number): number {
    const view = this.arena.view;
    const index = view.getUint32(keyOffset, true);
    if (flags > BPF_EXIST) return -EINVAL;
    if (index >= this.def.maxEntries) return -E2BIG;
    if (flags === BPF_NOEXIST) return -EEXIST;
    if (view.getUint32(valueOffset, true) === 0) {
      // An ifindex of 0 empties the slot; it cannot come with a program.
      if (this.def.valueSize >= 8 && view.getInt32(valueOffset + 4, true) > 0) return -EINVAL;
      this.setPresent(index, false);
      return 0;
    }
    const value = devmapValue(this.registry, view, valueOffset, this.def.valueSize);
    if (typeof value === 'number') return value;
    writeDevmapValue(view, this.valueAt(index), this.def.valueSize, value);
    this.setPresent(index, true);
    return 0;
  }
}
