import type { Arena } from '../memory/arena.js';
import type { ResolvedMapDefinition } from './definition.js';
import { RedirectTargetMap } from './redirect-target-map.js';
import { arrayGetNextKey } from './array-next-key.js';
import { EINVAL } from './errno.js';

/**
 * The redirect maps whose keys are slot indices (devmap, cpumap, xskmap):
 * each slot is present or empty; a delete empties a slot in range (-EINVAL
 * outside it, 0 for an empty one), and get_next_key walks the indices as an
 * array map's does.
 */
export abstract class IndexedRedirectMap extends RedirectTargetMap {
  private readonly present: Uint8Array;

  protected constructor(arena: Arena, def: ResolvedMapDefinition, check: (def: ResolvedMapDefinition) => void) {
    super(arena, def, check);
    this.present = new Uint8Array(def.maxEntries);
  }

  protected slotOf(key: number): number {
    return key < this.def.maxEntries && this.present[key] ? key : -1;
  }

  /** Fills or empties the slot `index` (in range). */
  protected setPresent(index: number, present: boolean): void {
    this.present[index] = present ? 1 : 0;
  }

  override deleteElem(keyOffset: number): number {
    const index = this.arena.view.getUint32(keyOffset, true);
    if (index >= this.def.maxEntries) return -EINVAL;
    this.present[index] = 0;
    return 0;
  }

  protected getNextKey(keyOffset: number | null, nextOffset: number): number {
    return arrayGetNextKey(this.arena.view, keyOffset, nextOffset, this.def.maxEntries);
  }
}
