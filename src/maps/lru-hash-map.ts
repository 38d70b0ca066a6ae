import type { Arena } from '../memory/arena.js';
import type { ResolvedMapDefinition } from './definition.js';
import { HashMapBase, checkHashDefinition, type HashVariant } from './hash-map-base.js';

const variant: HashVariant = { lru: true, percpu: false, fd: false };

/** BPF_MAP_TYPE_LRU_HASH: a hash map that evicts the least recently used key instead of refusing a new one when full. */
export class LruHashMap extends HashMapBase {
  constructor(arena: Arena, def: ResolvedMapDefinition) {
    super(arena, def, variant, (d) => checkHashDefinition(d, variant));
  }
}
