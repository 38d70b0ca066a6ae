import type { Arena } from '../memory/arena.js';
import type { ResolvedMapDefinition } from './definition.js';
import type { BpfMap } from './bpf-map.js';
import { FdArrayBase } from './fd-array-base.js';
import { checkInnerTemplate, innerMapCompatible, resolveInnerMap } from './inner-map.js';
import { EINVAL } from './errno.js';

/**
 * BPF_MAP_TYPE_ARRAY_OF_MAPS: an array of inner maps. bpf_map_lookup_elem
 * from a program returns the inner map's pointer (usable as a map argument),
 * bpf() reads and writes inner map ids.
 */
export class ArrayOfMapsMap extends FdArrayBase<BpfMap> {
  constructor(arena: Arena, def: ResolvedMapDefinition) {
    super(arena, def, checkInnerTemplate);
  }

  /** Sets (or with null clears) slot `index` directly; throws on incompatible maps like bpf() would refuse them. */
  setMap(index: number, map: BpfMap | null): void {
    if (map && !innerMapCompatible(this.def.innerMap!, map)) throw new RangeError(`map ${this.name}: ${map.name} does not match the inner map definition`);
    if (this.place(index, map) !== 0) throw new RangeError(`map ${this.name}: index ${index} out of range`);
  }

  protected resolve(id: number): BpfMap | number {
    return resolveInnerMap(this.registry, this.def.innerMap!, id);
  }

  protected idOf(map: BpfMap): number {
    return map.id;
  }

  /** Offset of the inner map's descriptor (the helper turns it into the map pointer), or 0. */
  override lookupElem(keyOffset: number): number {
    const map = this.at(this.arena.view.getUint32(keyOffset, true));
    return map ? map.descriptorOffset : 0;
  }

  override updateElem(): number {
    return -EINVAL;
  }
}
