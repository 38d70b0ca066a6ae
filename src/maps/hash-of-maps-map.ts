import type { Arena } from '../memory/arena.js';
import type { ResolvedMapDefinition } from './definition.js';
import type { BpfMap } from './bpf-map.js';
import { HashMapBase, checkHashDefinition, type HashVariant } from './hash-map-base.js';
import { checkInnerTemplate, innerMapCompatible, resolveInnerMap } from './inner-map.js';
import { MapDefinitionError, MapError } from './errors.js';
import { EINVAL, ENOENT } from './errno.js';
import { BPF_ANY } from './flags.js';

const variant: HashVariant = { lru: false, percpu: false, fd: true };

/**
 * BPF_MAP_TYPE_HASH_OF_MAPS: a hash map whose values are inner maps. Each
 * element stores the inner map's pointer (8 bytes, as the kernel stores a
 * struct bpf_map *); programs get that pointer from bpf_map_lookup_elem, and
 * bpf() reads and writes inner map ids (u32).
 */
export class HashOfMapsMap extends HashMapBase {
  private pointerScratch = 0;

  constructor(arena: Arena, def: ResolvedMapDefinition) {
    super(arena, def, variant, (d) => {
      if (d.valueSize !== 4) throw new MapDefinitionError(d.name, EINVAL, `value_size ${d.valueSize} (the value is a u32 map fd)`);
      checkHashDefinition(d, variant);
      checkInnerTemplate(d);
    });
  }

  /** Inserts or replaces `key` -> `map` (flags as bpf()); throws MapError as bpf() would fail. */
  setMap(key: Uint8Array, map: BpfMap, flags: number = BPF_ANY): void {
    if (!innerMapCompatible(this.def.innerMap!, map)) throw new MapError(this.name, 'update', EINVAL, `${map.name} does not match the inner map definition`);
    const id = new Uint8Array(4);
    new DataView(id.buffer).setUint32(0, map.id, true);
    this.update(key, id, flags);
  }

  /** The inner map of `key`, or undefined. */
  getMap(key: Uint8Array): BpfMap | undefined {
    const raw = this.lookup(key);
    return raw && this.registry.mapById(new DataView(raw.buffer).getUint32(0, true));
  }

  private innerAt(elem: number): BpfMap | undefined {
    return this.registry.fromPointer(this.arena.view.getBigUint64(this.table.valueOffset(elem), true));
  }

  /** Offset of the inner map's descriptor, or 0. */
  override lookupElem(keyOffset: number): number {
    const e = this.table.find(keyOffset, this.table.hashOf(keyOffset));
    const map = e === 0 ? undefined : this.innerAt(e);
    return map ? map.descriptorOffset : 0;
  }

  override updateElem(): number {
    return -EINVAL;
  }

  protected override storeValue(elem: number, valueOffset: number): void {
    this.copy(this.table.valueOffset(elem), valueOffset, 8);
  }

  protected override sysUpdate(keyOffset: number, valueOffset: number, flags: number): number {
    const map = resolveInnerMap(this.registry, this.def.innerMap!, this.arena.view.getUint32(valueOffset, true));
    if (typeof map === 'number') return map;
    if (this.pointerScratch === 0) this.pointerScratch = this.alloc(8);
    this.arena.view.setBigUint64(this.pointerScratch, map.pointer, true);
    return this.doUpdate(keyOffset, this.pointerScratch, flags, 0, false);
  }

  protected override sysLookup(keyOffset: number, out: Uint8Array): number {
    const e = this.table.find(keyOffset, this.table.hashOf(keyOffset));
    const map = e === 0 ? undefined : this.innerAt(e);
    if (!map) return -ENOENT;
    new DataView(out.buffer, out.byteOffset, out.byteLength).setUint32(0, map.id, true);
    return 0;
  }
}
