import type { Arena } from '../memory/arena.js';
import type { ResolvedMapDefinition } from './definition.js';
import { HashMapBase, checkHashDefinition, type HashVariant } from './hash-map-base.js';

const variant: HashVariant = { lru: true, percpu: true, fd: false };

/** BPF_MAP_TYPE_LRU_PERCPU_HASH: an LRU hash map with one value per CPU per key. */
export class LruPercpuHashMap extends HashMapBase {
  override readonly perCpu = true;
  constructor(arena: Arena, def: ResolvedMapDefinition) {
    super(arena, def, variant, (d) => checkHashDefinition(d, variant));
  }
}
