import type { Arena } from '../memory/arena.js';
import type { ResolvedMapDefinition } from './definition.js';
import { HashMapBase, checkHashDefinition, type HashVariant } from './hash-map-base.js';

const variant: HashVariant = { lru: false, percpu: false, fd: false };

/** BPF_MAP_TYPE_HASH: keys of key_size bytes to values of value_size bytes, preallocated unless BPF_F_NO_PREALLOC. */
export class HashMap extends HashMapBase {
  constructor(arena: Arena, def: ResolvedMapDefinition) {
    super(arena, def, variant, (d) => checkHashDefinition(d, variant));
  }
}
