import type { Arena } from '../memory/arena.js';
import type { ResolvedMapDefinition } from './definition.js';
import { BpfMap, round8, type ForEachCallback } from './bpf-map.js';
import { checkArrayDefinition } from './array-checks.js';
import { arrayGetNextKey } from './array-next-key.js';
import { E2BIG, EEXIST, EINVAL } from './errno.js';
import { BPF_EXIST, BPF_F_LOCK, BPF_NOEXIST, updateFlagsWithoutLock } from './flags.js';

/**
 * Above this many values an array gets one region for all of them instead of
 * one per value (a region per value is what lets checked engines stop an
 * access running from one value into the next; huge arrays trade that for memory).
 */
export const ARRAY_REGION_LIMIT = 1 << 16;

/**
 * BPF_MAP_TYPE_ARRAY: max_entries values of value_size bytes, preallocated
 * and zeroed, indexed by a u32 key. Values are 8-byte aligned and `stride`
 * apart from `valuesOffset`, so the JIT can inline lookups as address
 * arithmetic (descriptor data0/data1). Elements cannot be deleted.
 */
export class ArrayMap extends BpfMap {
  /** Arena offset of element 0 (CPU 0 of element 0 for per-CPU arrays). */
  readonly valuesOffset: number;
  /** Bytes between consecutive values: round_up(value_size, 8). */
  readonly stride: number;
  /** Values per element: nCpus for percpu_array, 1 otherwise. */
  protected readonly copies: number;

  constructor(arena: Arena, def: ResolvedMapDefinition) {
    const percpu = def.type === 'percpu_array';
    super(arena, def, (d) => checkArrayDefinition(d, percpu));
    this.copies = percpu ? this.nCpus : 1;
    this.stride = round8(def.valueSize);
    const total = def.maxEntries * this.copies;
    this.valuesOffset = this.alloc(total * this.stride);
    this.setDescriptorData(this.valuesOffset, this.stride);
    const writable = this.programWritable;
    if (total <= ARRAY_REGION_LIMIT) {
      for (let i = 0; i < total; i++) {
        this.addRegion(this.valuesOffset + i * this.stride, def.valueSize, 'map_value', percpu ? `value ${Math.floor(i / this.copies)} cpu ${i % this.copies}` : `value ${i}`, writable);
      }
    } else {
      this.addRegion(this.valuesOffset, total * this.stride, 'map_value', 'values', writable);
    }
  }

  /** Arena offset of element `index`'s value on `cpu` (no bounds check). */
  valueOffset(index: number, cpu = 0): number {
    return this.valuesOffset + (index * this.copies + cpu) * this.stride;
  }

  /**
   * What `lddw rX, map[0] + off` (BPF_PSEUDO_MAP_VALUE) loads: the address of
   * byte `off` of value 0, as the kernel's map_direct_value_addr().
   */
  directValuePointer(off: number): bigint {
    if (this.copies !== 1 || !Number.isInteger(off) || off < 0 || off >= this.def.valueSize) {
      throw new RangeError(`map ${this.name}: direct value offset ${off} outside value_size ${this.def.valueSize}`);
    }
    return this.arena.pointer(this.valuesOffset + off);
  }

  private indexAt(keyOffset: number): number {
    return this.arena.view.getUint32(keyOffset, true);
  }

  override lookupElem(keyOffset: number, cpu: number): number {
    const index = this.indexAt(keyOffset);
    return index < this.def.maxEntries ? this.valueOffset(index, this.copies === 1 ? 0 : cpu) : 0;
  }

  override lookupPercpuElem(keyOffset: number, cpu: number): number {
    if (this.copies === 1 || cpu >= this.copies) return 0;
    const index = this.indexAt(keyOffset);
    return index < this.def.maxEntries ? this.valueOffset(index, cpu) : 0;
  }

  /** array_map_update_elem(); from programs, per-CPU arrays change only the current CPU's value. */
  override updateElem(keyOffset: number, valueOffset: number, flags: number, cpu: number): number {
    const r = this.checkUpdate(keyOffset, flags);
    if (r !== 0) return r;
    this.copyValue(this.valueOffset(this.indexAt(keyOffset), this.copies === 1 ? 0 : cpu), valueOffset);
    return 0;
  }

  override deleteElem(): number {
    return -EINVAL;
  }

  override forEachElem(cpu: number, callback: ForEachCallback): number {
    const keySlot = this.alloc(8);
    const region = this.addRegion(keySlot, 4, 'map_key', 'key', false);
    let visited = 0;
    try {
      for (let i = 0; i < this.def.maxEntries; i++) {
        visited++;
        this.arena.view.setUint32(keySlot, i, true);
        if (callback(keySlot, this.valueOffset(i, this.copies === 1 ? 0 : cpu))) break;
      }
    } finally {
      this.removeRegion(region);
      this.release(keySlot);
    }
    return visited;
  }

  protected checkUpdate(keyOffset: number, flags: number): number {
    if (updateFlagsWithoutLock(flags) > BPF_EXIST) return -EINVAL;
    if (this.indexAt(keyOffset) >= this.def.maxEntries) return -E2BIG;
    if ((flags & BPF_NOEXIST) !== 0) return -EEXIST;
    if ((flags & BPF_F_LOCK) !== 0 && this.def.spinLockOffset === undefined) return -EINVAL;
    return 0;
  }

  protected getNextKey(keyOffset: number | null, nextOffset: number): number {
    return arrayGetNextKey(this.arena.view, keyOffset, nextOffset, this.def.maxEntries);
  }
}
