import type { Arena } from '../memory/arena.js';
import type { ResolvedMapDefinition } from './definition.js';
import { BpfMap, round8, type ForEachCallback } from './bpf-map.js';
import { HashTable, ELEM_REF } from './hash-table.js';
import { BpfLruList } from './bpf-lru-list.js';
import { accessFlagsOk, PCPU_MIN_UNIT_SIZE } from './array-checks.js';
import { MapDefinitionError } from './errors.js';
import { E2BIG, EEXIST, EINVAL, ENOENT, ENOMEM, ENOTSUPP } from './errno.js';
import {
  BPF_EXIST, BPF_F_ACCESS_MASK, BPF_F_LOCK, BPF_F_NO_COMMON_LRU, BPF_F_NO_PREALLOC, BPF_F_NUMA_NODE,
  BPF_F_ZERO_SEED, BPF_NOEXIST, updateFlagsWithoutLock,
} from './flags.js';

const HTAB_CREATE_FLAG_MASK = BPF_F_NO_PREALLOC | BPF_F_NO_COMMON_LRU | BPF_F_NUMA_NODE | BPF_F_ACCESS_MASK | BPF_F_ZERO_SEED;
/** KMALLOC_MAX_SIZE minus struct htab_elem: the largest key + value. */
const HTAB_MAX_KEY_VALUE = (1 << 22) - 48;

export interface HashVariant {
  readonly lru: boolean;
  readonly percpu: boolean;
  /** hash_of_maps: the value area holds an inner map pointer, programs never see it. */
  readonly fd: boolean;
}

/** htab_map_alloc(): a per-CPU LRU's max_entries, a multiple of the CPUs so that each gets as many elements. */
function percpuLruEntries(maxEntries: number, nCpus: number): number {
  const up = Math.ceil(maxEntries / nCpus) * nCpus;
  return up <= 0xffffffff ? up : Math.floor(maxEntries / nCpus) * nCpus;
}

/** htab_map_alloc_check(). */
export function checkHashDefinition(def: ResolvedMapDefinition, v: HashVariant): void {
  const fail = (errno: number, why: string): never => { throw new MapDefinitionError(def.name, errno, why); };
  const prealloc = (def.flags & BPF_F_NO_PREALLOC) === 0;
  const percpuLru = (def.flags & BPF_F_NO_COMMON_LRU) !== 0;
  if ((def.flags & ~HTAB_CREATE_FLAG_MASK) !== 0 || !accessFlagsOk(def.flags)) fail(EINVAL, `map_flags 0x${def.flags.toString(16)}`);
  if (!v.lru && percpuLru) fail(EINVAL, 'BPF_F_NO_COMMON_LRU on a map that is not LRU');
  if (v.lru && !prealloc) fail(ENOTSUPP, 'LRU maps are always preallocated (BPF_F_NO_PREALLOC)');
  if ((def.flags & BPF_F_NUMA_NODE) !== 0 && (v.percpu || percpuLru)) fail(EINVAL, 'BPF_F_NUMA_NODE on a per-CPU map');
  if (def.maxEntries === 0 || def.keySize === 0 || def.valueSize === 0) fail(EINVAL, 'max_entries, key_size and value_size must not be 0');
  if (def.keySize + def.valueSize >= HTAB_MAX_KEY_VALUE) fail(E2BIG, 'key and value too large');
  if (v.percpu && round8(def.valueSize) > PCPU_MIN_UNIT_SIZE) fail(E2BIG, `per-CPU value_size ${def.valueSize} above ${PCPU_MIN_UNIT_SIZE}`);
  if (def.maxEntries > 0x80000000) fail(E2BIG, 'too many buckets');
}

/**
 * The hash map family (hash, percpu_hash, lru_hash, lru_percpu_hash,
 * hash_of_maps) with the kernel's update paths:
 * - hash: a new element replaces an existing one (it goes to the bucket head),
 *   except BPF_F_LOCK updates, which copy in place; hash_of_maps also
 *   updates in place;
 * - per-CPU: existing elements are updated in place; a new element gets the
 *   value on the current CPU and zeros elsewhere (programs) or every CPU's
 *   value (bpf());
 * - LRU: an element is taken from the LRU (bpf-lru-list.ts, the kernel's
 *   lists, per-CPU free lists and batches included) before the key is looked
 *   up, evicting when none is free (so, as in the kernel, even an update that
 *   then fails may evict); a lookup from a program sets the element's
 *   reference bit. Updates from bpf() run as if on CPU 0. With
 *   BPF_F_NO_COMMON_LRU, max_entries is rounded up to a multiple of the CPUs.
 * Hash seeds are 0 (the kernel's BPF_F_ZERO_SEED), so runs are reproducible.
 */
export abstract class HashMapBase extends BpfMap {
  readonly table: HashTable;
  protected readonly variant: HashVariant;
  protected readonly stride: number;
  private readonly lru: BpfLruList | null;
  /** max_entries as the kernel keeps it: a per-CPU LRU's is rounded to a multiple of the CPUs (what map info reports). */
  private readonly keptMaxEntries: number;

  protected constructor(arena: Arena, def: ResolvedMapDefinition, variant: HashVariant, check: (def: ResolvedMapDefinition) => void) {
    super(arena, def, check);
    this.variant = variant;
    this.stride = round8(def.valueSize);
    const prealloc = (def.flags & BPF_F_NO_PREALLOC) === 0;
    const percpuLru = variant.lru && (def.flags & BPF_F_NO_COMMON_LRU) !== 0;
    const maxEntries = percpuLru ? percpuLruEntries(def.maxEntries, this.nCpus) : def.maxEntries;
    this.keptMaxEntries = maxEntries;
    // Plain hash maps keep one spare element per CPU so that replacing a key works when full.
    const extra = !variant.percpu && !variant.lru && !variant.fd ? this.nCpus : 0;
    const valueAreaSize = variant.fd ? 8 : variant.percpu ? this.stride * this.nCpus : def.valueSize;
    const writable = this.programWritable;
    this.table = new HashTable(arena, {
      keySize: def.keySize,
      valueAreaSize,
      maxEntries,
      preallocate: prealloc ? maxEntries + extra : 0,
      seed: 0,
      allocate: (size) => this.alloc(size),
      onFirstUse: (e) => {
        if (variant.fd) return;
        this.addRegion(this.table.keyOffset(e), def.keySize, 'map_key', 'key', false);
        for (let cpu = 0; cpu < (variant.percpu ? this.nCpus : 1); cpu++) {
          this.addRegion(this.valueAt(e, cpu), def.valueSize, 'map_value', 'value', writable);
        }
      },
    });
    this.setDescriptorData(this.table.bucketsOffset, this.table.nBuckets);
    this.lru = variant.lru ? new BpfLruList(arena, this.table.claimAll(), this.nCpus, percpuLru, (e) => this.table.remove(e)) : null;
  }

  override get maxEntries(): number {
    return this.keptMaxEntries;
  }

  /** Elements in the map. */
  get size(): number { return this.table.count; }

  protected valueAt(elem: number, cpu: number): number {
    return this.table.valueOffset(elem) + (this.variant.percpu ? cpu * this.stride : 0);
  }

  private find(keyOffset: number): number {
    return this.table.find(keyOffset, this.table.hashOf(keyOffset));
  }

  private setRef(elem: number): void {
    if (this.variant.lru) this.arena.bytes[elem + ELEM_REF] = 1;
  }

  override lookupElem(keyOffset: number, cpu: number): number {
    const e = this.find(keyOffset);
    if (e === 0) return 0;
    this.setRef(e);
    return this.valueAt(e, cpu);
  }

  override lookupPercpuElem(keyOffset: number, cpu: number): number {
    if (!this.variant.percpu || cpu >= this.nCpus) return 0;
    return this.lookupElem(keyOffset, cpu);
  }

  override updateElem(keyOffset: number, valueOffset: number, flags: number, cpu: number): number {
    return this.doUpdate(keyOffset, valueOffset, flags, cpu, false);
  }

  protected override sysUpdate(keyOffset: number, valueOffset: number, flags: number): number {
    return this.doUpdate(keyOffset, valueOffset, flags, 0, this.variant.percpu);
  }

  protected override sysLookup(keyOffset: number, out: Uint8Array): number {
    const e = this.find(keyOffset);
    if (e === 0) return -ENOENT;
    const bytes = this.arena.bytes;
    const copies = this.variant.percpu ? this.nCpus : 1;
    const size = this.variant.percpu ? this.stride : this.def.valueSize;
    for (let cpu = 0; cpu < copies; cpu++) {
      const at = this.valueAt(e, cpu);
      out.set(bytes.subarray(at, at + size), cpu * this.stride);
      this.hideSpecialFields(out, cpu * this.stride);
    }
    return 0;
  }

  override deleteElem(keyOffset: number): number {
    const e = this.find(keyOffset);
    if (e === 0) return -ENOENT;
    this.drop(e);
    return 0;
  }

  override forEachElem(cpu: number, callback: ForEachCallback): number {
    if (this.variant.fd) return -EINVAL;
    return this.table.forEach((e) => callback(this.table.keyOffset(e), this.valueAt(e, cpu)));
  }

  protected getNextKey(keyOffset: number | null, nextOffset: number): number {
    return this.table.getNextKey(keyOffset, nextOffset) ? 0 : -ENOENT;
  }

  override get sysValueSize(): number {
    return this.variant.percpu ? this.stride * this.nCpus : this.def.valueSize;
  }

  // ---- update paths ---------------------------------------------------------

  protected doUpdate(keyOffset: number, valueOffset: number, flags: number, cpu: number, allCpus: boolean): number {
    if (this.variant.lru) return this.variant.percpu ? this.updateLruPercpu(keyOffset, valueOffset, flags, cpu, allCpus) : this.updateLru(keyOffset, valueOffset, flags, cpu);
    return this.variant.percpu ? this.updatePercpu(keyOffset, valueOffset, flags, cpu, allCpus) : this.updatePlain(keyOffset, valueOffset, flags);
  }

  /** check_flags(). */
  private static checkFlags(old: number, flags: number): number {
    const f = updateFlagsWithoutLock(flags);
    if (old !== 0 && f === BPF_NOEXIST) return -EEXIST;
    if (old === 0 && f === BPF_EXIST) return -ENOENT;
    return 0;
  }

  /** Writes the value(s) of an element: one CPU, all CPUs from the syscall layout, or (fresh) one CPU and zeros. */
  protected writeValue(elem: number, valueOffset: number, cpu: number, allCpus: boolean): void {
    if (!this.variant.percpu) {
      this.copyValue(this.valueAt(elem, 0), valueOffset);
    } else if (allCpus) {
      for (let c = 0; c < this.nCpus; c++) this.copyValueLong(this.valueAt(elem, c), valueOffset + c * this.stride);
    } else {
      this.copyValue(this.valueAt(elem, cpu), valueOffset);
    }
  }

  /** htab_map_update_elem(). */
  private updatePlain(keyOffset: number, valueOffset: number, flags: number): number {
    if (updateFlagsWithoutLock(flags) > BPF_EXIST) return -EINVAL;
    if ((flags & BPF_F_LOCK) !== 0 && this.def.spinLockOffset === undefined) return -EINVAL;
    const hash = this.table.hashOf(keyOffset);
    const old = this.table.find(keyOffset, hash);
    const r = HashMapBase.checkFlags(old, flags);
    if (r !== 0) return r;
    if (old !== 0 && (flags & BPF_F_LOCK) !== 0) {
      this.copyValue(this.valueAt(old, 0), valueOffset);
      return 0;
    }
    // hash_of_maps replaces the inner map of an existing key in place (it keeps its bucket position).
    if (old !== 0 && this.variant.fd) {
      this.storeValue(old, valueOffset);
      return 0;
    }
    if (old === 0 && this.table.count >= this.def.maxEntries) return -E2BIG;
    const e = this.table.take(keyOffset, hash);
    if (e === 0) return -E2BIG;
    this.storeValue(e, valueOffset);
    this.table.linkHead(e);
    if (old !== 0) {
      this.table.unlink(old);
      this.table.giveBack(old);
    }
    return 0;
  }

  /** Fills a fresh element's value area (hash_of_maps stores a pointer instead). */
  protected storeValue(elem: number, valueOffset: number): void {
    this.copyValue(this.valueAt(elem, 0), valueOffset);
  }

  /** __htab_percpu_map_update_elem(). */
  private updatePercpu(keyOffset: number, valueOffset: number, flags: number, cpu: number, allCpus: boolean): number {
    if (flags > BPF_EXIST) return -EINVAL;
    const hash = this.table.hashOf(keyOffset);
    const old = this.table.find(keyOffset, hash);
    const r = HashMapBase.checkFlags(old, flags);
    if (r !== 0) return r;
    if (old !== 0) {
      this.writeValue(old, valueOffset, cpu, allCpus);
      return 0;
    }
    if (this.table.count >= this.def.maxEntries) return -E2BIG;
    const e = this.table.take(keyOffset, hash);
    if (e === 0) return -E2BIG;
    this.writeValue(e, valueOffset, cpu, allCpus);
    this.table.linkHead(e);
    return 0;
  }

  /** htab_lru_map_update_elem(): take (maybe evicting) first, then look up; a replacing element starts referenced. */
  private updateLru(keyOffset: number, valueOffset: number, flags: number, cpu: number): number {
    if (flags > BPF_EXIST) return -EINVAL;
    const hash = this.table.hashOf(keyOffset);
    const e = this.lruPop(keyOffset, hash, cpu);
    if (e === 0) return -ENOMEM;
    this.copyValue(this.valueAt(e, 0), valueOffset);
    const old = this.table.find(keyOffset, hash);
    const r = HashMapBase.checkFlags(old, flags);
    if (r !== 0) {
      this.lru!.pushFree(e);
      return r;
    }
    this.table.linkHead(e);
    if (old !== 0) {
      this.setRef(e);
      this.drop(old);
    }
    return 0;
  }

  /** __htab_lru_percpu_map_update_elem(): in place when the key exists. */
  private updateLruPercpu(keyOffset: number, valueOffset: number, flags: number, cpu: number, allCpus: boolean): number {
    if (flags > BPF_EXIST) return -EINVAL;
    const hash = this.table.hashOf(keyOffset);
    let fresh = 0;
    if (flags !== BPF_EXIST) {
      fresh = this.lruPop(keyOffset, hash, cpu);
      if (fresh === 0) return -ENOMEM;
    }
    const old = this.table.find(keyOffset, hash);
    const r = HashMapBase.checkFlags(old, flags);
    if (r !== 0) {
      if (fresh !== 0) this.lru!.pushFree(fresh);
      return r;
    }
    if (old !== 0) {
      this.setRef(old);
      this.writeValue(old, valueOffset, cpu, allCpus);
      if (fresh !== 0) this.lru!.pushFree(fresh);
      return 0;
    }
    this.writeValue(fresh, valueOffset, cpu, allCpus);
    this.table.linkHead(fresh);
    return 0;
  }

  /** prealloc_lru_pop(): an element from the LRU (maybe evicting another) with the key copied in. */
  private lruPop(keyOffset: number, hash: number, cpu: number): number {
    const e = this.lru!.popFree(Math.min(cpu, this.nCpus - 1));
    if (e !== 0) this.table.fill(e, keyOffset, hash);
    return e;
  }

  /** Unlinks and frees an element. */
  protected drop(elem: number): void {
    this.table.unlink(elem);
    if (this.lru) this.lru.pushFree(elem);
    else this.table.giveBack(elem);
  }
}
