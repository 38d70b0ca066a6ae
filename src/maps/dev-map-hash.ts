import type { Arena } from '../memory/arena.js';
import type { ResolvedMapDefinition } from './definition.js';
import { RedirectTargetMap, checkRedirectMapDefinition, DEV_CREATE_FLAG_MASK } from './redirect-target-map.js';
import { devmapValue, writeDevmapValue } from './dev-map-value.js';
import { E2BIG, EEXIST, EINVAL, ENOENT } from './errno.js';
import { BPF_EXIST, BPF_NOEXIST } from './flags.js';

const roundupPowOfTwo = (n: number): number => 2 ** Math.ceil(Math.log2(n));

/**
 * BPF_MAP_TYPE_DEVMAP_HASH: devices keyed by any u32. As in devmap.c, the
 * bucket of a key is key & (n_buckets - 1) with n_buckets =
 * roundup_pow_of_two(max_entries), new entries go to the head of their
 * bucket (get_next_key walks buckets in order, each from its head), BPF_EXIST
 * is not checked, and a full map refuses new keys with -E2BIG.
 */
export class DevMapHash extends RedirectTargetMap {
  private readonly buckets: number[][];
  private readonly slots = new Map<number, number>();
  private readonly freeSlots: number[];

  constructor(arena: Arena, def: ResolvedMapDefinition) {
    super(arena, def, (d) => checkRedirectMapDefinition(d, [4, 8], DEV_CREATE_FLAG_MASK));
    this.buckets = Array.from({ length: roundupPowOfTwo(def.maxEntries) }, () => []);
    this.freeSlots = Array.from({ length: def.maxEntries }, (_, i) => def.maxEntries - 1 - i);
  }

  protected slotOf(key: number): number {
    return this.slots.get(key) ?? -1;
  }

  private bucketOf(key: number): number[] {
    return this.buckets[key & (this.buckets.length - 1)];
  }

  /** __dev_map_hash_update_elem(). */
  protected override sysUpdate(keyOffset: number, valueOffset: number, flags: number): number {
    const view = this.arena.view;
    const key = view.getUint32(keyOffset, true);
    // An ifindex of 0 is refused up front (no emptying by update, unlike devmap); the device after the key's lookup.
    if (flags > BPF_EXIST || view.getUint32(valueOffset, true) === 0) return -EINVAL;
    const old = this.slots.get(key);
    if (old !== undefined && flags === BPF_NOEXIST) return -EEXIST;
    const value = devmapValue(this.registry, view, valueOffset, this.def.valueSize);
    if (typeof value === 'number') return value;
    if (old === undefined && this.slots.size >= this.def.maxEntries) return -E2BIG;
    const slot = old ?? this.freeSlots.pop()!;
    writeDevmapValue(view, this.valueAt(slot), this.def.valueSize, value);
    const bucket = this.bucketOf(key);
    if (old !== undefined) bucket.splice(bucket.indexOf(key), 1);
    bucket.unshift(key);
    this.slots.set(key, slot);
    return 0;
  }

  override deleteElem(keyOffset: number): number {
    const key = this.arena.view.getUint32(keyOffset, true);
    const slot = this.slots.get(key);
    if (slot === undefined) return -ENOENT;
    const bucket = this.bucketOf(key);
    bucket.splice(bucket.indexOf(key), 1);
    this.slots.delete(key);
    this.freeSlots.push(slot);
    return 0;
  }

  /** dev_map_hash_get_next_key(): the next key in the key's bucket, else the head of the next non-empty bucket; an absent key restarts. */
  protected getNextKey(keyOffset: number | null, nextOffset: number): number {
    const view = this.arena.view;
    let from = 0;
    if (keyOffset !== null) {
      const key = view.getUint32(keyOffset, true);
      if (this.slots.has(key)) {
        const bucket = this.bucketOf(key);
        const at = bucket.indexOf(key);
        if (at + 1 < bucket.length) {
          view.setUint32(nextOffset, bucket[at + 1], true);
          return 0;
        }
        from = (key & (this.buckets.length - 1)) + 1;
      }
    }
    for (let i = from; i < this.buckets.length; i++) {
      if (this.buckets[i].length > 0) {
        view.setUint32(nextOffset, this.buckets[i][0], true);
        return 0;
      }
    }
    return -ENOENT;
  }
}
