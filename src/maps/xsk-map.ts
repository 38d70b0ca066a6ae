import type { Arena } from '../memory/arena.js';
import type { ResolvedMapDefinition } from './definition.js';
import { checkRedirectMapDefinition, DEV_CREATE_FLAG_MASK } from './redirect-target-map.js';
import { IndexedRedirectMap } from './indexed-redirect-map.js';
import { E2BIG, EBADF, EINVAL, EOPNOTSUPP } from './errno.js';
import { BPF_EXIST } from './flags.js';

/**
 * BPF_MAP_TYPE_XSKMAP: AF_XDP sockets by queue index. The VM has no
 * sockets, so no update can name one (-EBADF, what sockfd_lookup() gives
 * for a descriptor that is not open) and the map stays empty:
 * bpf_redirect_map() always takes the fallback action. bpf() lookups are
 * -EOPNOTSUPP (xsk_map_lookup_elem_sys), deletes succeed within range.
 */
export class XskMap extends IndexedRedirectMap {
  constructor(arena: Arena, def: ResolvedMapDefinition) {
    super(arena, def, (d) => checkRedirectMapDefinition(d, [4], DEV_CREATE_FLAG_MASK));
  }

  protected override sysLookup(): number {
    return -EOPNOTSUPP;
  }

  protected override sysUpdate(keyOffset: number, _valueOffset: number, flags: number): number {
    if (flags > BPF_EXIST) return -EINVAL;
    if (this.arena.view.getUint32(keyOffset, true) >= this.def.maxEntries) return -E2BIG;
    return -EBADF;
  }
}
