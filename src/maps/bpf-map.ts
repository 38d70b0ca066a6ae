import type { Arena } from '../memory/arena.js';
import type { Region, RegionKind } from '../memory/region.js';
import type { ResolvedMapDefinition } from './definition.js';
import type { MapTypeName } from './map-types.js';
import { mapRegistry, type MapRegistry } from './registry.js';
import { MapError } from './errors.js';
import { EINVAL, ENOENT, EPERM } from './errno.js';
import { BPF_ANY, BPF_F_LOCK, BPF_F_RDONLY, BPF_F_RDONLY_PROG, BPF_F_WRONLY } from './flags.js';
import {
  DESC_DATA0, DESC_DATA1, DESC_ID, DESC_KEY_SIZE, DESC_MAP_FLAGS, DESC_MAP_TYPE, DESC_MAX_ENTRIES,
  DESC_VALUE_SIZE, DESCRIPTOR_SIZE,
} from './descriptor.js';

export const round8 = (n: number): number => (n + 7) & ~7;

/** Callback of forEachElem: arena offsets of a key and its value; true stops the walk. */
export type ForEachCallback = (keyOffset: number, valueOffset: number) => boolean;

/**
 * A map whose keys and values live in the arena. Two faces:
 * - program side (what helpers call), on arena offsets, results as the
 *   kernel's helpers return them: lookupElem gives the value's offset or 0,
 *   the others 0 or a negative errno;
 * - host side (what bpf() offers user space), on bytes: lookup, update,
 *   delete, nextKey, keys, entries; errors throw MapError with the kernel's
 *   errno. Per-CPU maps take and give values in the syscall layout (each CPU's
 *   value padded to 8 bytes, CPU 0 first) and as arrays (lookupPerCpu...).
 */
export abstract class BpfMap {
  readonly arena: Arena;
  readonly registry: MapRegistry;
  readonly def: ResolvedMapDefinition;
  readonly id: number;
  /** Arena offset of the descriptor; `pointer` is what programs hold. */
  readonly descriptorOffset: number;
  /** CPUs of per-CPU maps (1 for the others' purposes). */
  readonly nCpus: number;
  /** True for percpu_array, percpu_hash, lru_percpu_hash. */
  readonly perCpu: boolean = false;
  private frozen = false;
  private closed = false;
  private scratch: { key: number; next: number; value: number } | null = null;
  private readonly allocations = new Set<number>();
  private readonly regions = new Set<Region>();

  protected constructor(arena: Arena, def: ResolvedMapDefinition, check: (def: ResolvedMapDefinition, nCpus: number) => void) {
    this.arena = arena;
    this.registry = mapRegistry(arena);
    this.nCpus = this.registry.nCpus;
    check(def, this.nCpus);
    this.def = def;
    this.descriptorOffset = this.alloc(DESCRIPTOR_SIZE);
    this.pointer = arena.pointer(this.descriptorOffset);
    this.id = this.registry.add(this, this.descriptorOffset);
    const v = arena.view;
    const d = this.descriptorOffset;
    v.setUint32(d + DESC_MAP_TYPE, def.typeId, true);
    v.setUint32(d + DESC_KEY_SIZE, def.keySize, true);
    v.setUint32(d + DESC_VALUE_SIZE, def.valueSize, true);
    v.setUint32(d + DESC_MAX_ENTRIES, def.maxEntries, true);
    v.setUint32(d + DESC_MAP_FLAGS, def.flags, true);
    v.setUint32(d + DESC_ID, this.id, true);
  }

  get type(): MapTypeName { return this.def.type; }
  get name(): string { return this.def.name; }
  get keySize(): number { return this.def.keySize; }
  get valueSize(): number { return this.def.valueSize; }
  get maxEntries(): number { return this.def.maxEntries; }
  get flags(): number { return this.def.flags; }
  /** The program-visible pointer of the map (CONST_PTR_TO_MAP). */
  readonly pointer: bigint;
  /** False when BPF_F_RDONLY_PROG forbids programs to change the map. */
  get programWritable(): boolean { return (this.def.flags & BPF_F_RDONLY_PROG) === 0; }
  /** Bytes of one value through bpf(): the value, the per-CPU layout, or a u32 id for fd maps. */
  get sysValueSize(): number { return this.def.valueSize; }

  protected setDescriptorData(data0: number, data1: number): void {
    this.arena.view.setUint32(this.descriptorOffset + DESC_DATA0, data0, true);
    this.arena.view.setUint32(this.descriptorOffset + DESC_DATA1, data1, true);
  }

  // ---- program side --------------------------------------------------------

  /** bpf_map_lookup_elem: offset of the value (this CPU's for per-CPU maps), or 0. */
  lookupElem(_keyOffset: number, _cpu: number): number { return 0; }
  /** bpf_map_update_elem: 0 or -errno; per-CPU maps update the given CPU's value. */
  updateElem(_keyOffset: number, _valueOffset: number, _flags: number, _cpu: number): number { return -EINVAL; }
  /** bpf_map_delete_elem: 0 or -errno. */
  deleteElem(_keyOffset: number): number { return -EINVAL; }
  /** bpf_map_push_elem (queue, stack, bloom_filter): 0 or -errno. */
  pushElem(_valueOffset: number, _flags: number): number { return -EINVAL; }
  /** bpf_map_pop_elem: copies the value out; 0 or -errno. */
  popElem(_valueOffset: number): number { return -EINVAL; }
  /** bpf_map_peek_elem: copies the value out (bloom_filter: tests it); 0 or -errno. */
  peekElem(_valueOffset: number): number { return -EINVAL; }
  /** bpf_map_lookup_percpu_elem: the value of `cpu`, or 0 (0 for maps that are not per-CPU). */
  lookupPercpuElem(_keyOffset: number, _cpu: number): number { return 0; }
  /**
   * bpf_for_each_map_elem: calls `callback` with each element (this CPU's value
   * for per-CPU maps) until it returns true; returns the number of elements
   * visited, or -EINVAL for map types that cannot be walked.
   */
  forEachElem(_cpu: number, _callback: ForEachCallback): number { return -EINVAL; }

  // ---- syscall side (offsets in the arena; results 0 or -errno) ------------

  /** BPF_MAP_GET_NEXT_KEY with the key at `keyOffset` (null: the first key) into `nextOffset`. */
  protected abstract getNextKey(keyOffset: number | null, nextOffset: number): number;

  /** BPF_MAP_LOOKUP_ELEM: copies sysValueSize bytes into `out`. */
  protected sysLookup(keyOffset: number, out: Uint8Array): number {
    const v = this.lookupElem(keyOffset, 0);
    if (v === 0) return -ENOENT;
    out.set(this.arena.bytes.subarray(v, v + this.def.valueSize));
    this.hideSpecialFields(out);
    return 0;
  }

  /** BPF_MAP_UPDATE_ELEM with sysValueSize bytes at `valueOffset`. */
  protected sysUpdate(keyOffset: number, valueOffset: number, flags: number): number {
    return this.updateElem(keyOffset, valueOffset, flags, 0);
  }

  /** BPF_MAP_DELETE_ELEM. */
  protected sysDelete(keyOffset: number): number {
    return this.deleteElem(keyOffset);
  }

  // ---- host API ------------------------------------------------------------

  lookup(key: Uint8Array): Uint8Array | undefined {
    this.checkAccess('lookup', false);
    const s = this.hostScratch();
    this.putKey(s.key, key, 'lookup');
    const out = new Uint8Array(this.sysValueSize);
    const r = this.sysLookup(s.key, out);
    if (r === -ENOENT) return undefined;
    if (r < 0) throw new MapError(this.name, 'lookup', -r);
    return out;
  }

  update(key: Uint8Array, value: Uint8Array, flags: number = BPF_ANY): void {
    this.checkAccess('update', true);
    const s = this.hostScratch();
    this.putKey(s.key, key, 'update');
    if (value.length !== this.sysValueSize) {
      throw new MapError(this.name, 'update', EINVAL, `value is ${value.length} bytes, the map's are ${this.sysValueSize}`);
    }
    // bpf() refuses BPF_F_LOCK for values without a bpf_spin_lock before the map sees the update.
    if ((flags & BPF_F_LOCK) !== 0 && this.def.spinLockOffset === undefined) throw new MapError(this.name, 'update', EINVAL, 'BPF_F_LOCK without a bpf_spin_lock in the value');
    this.arena.bytes.set(value, s.value);
    const r = this.sysUpdate(s.key, s.value, flags);
    if (r < 0) throw new MapError(this.name, 'update', -r);
  }

  /** Deletes `key`; false when it was not there. */
  delete(key: Uint8Array): boolean {
    this.checkAccess('delete', true);
    const s = this.hostScratch();
    this.putKey(s.key, key, 'delete');
    const r = this.sysDelete(s.key);
    if (r === -ENOENT) return false;
    if (r < 0) throw new MapError(this.name, 'delete', -r);
    return true;
  }

  /** The key after `key` in the kernel's order (the first key without one); undefined at the end. */
  nextKey(key?: Uint8Array): Uint8Array | undefined {
    this.checkAccess('get_next_key', false);
    const s = this.hostScratch();
    if (key) this.putKey(s.key, key, 'get_next_key');
    const r = this.getNextKey(key ? s.key : null, s.next);
    if (r === -ENOENT) return undefined;
    if (r < 0) throw new MapError(this.name, 'get_next_key', -r);
    return this.arena.bytes.slice(s.next, s.next + this.def.keySize);
  }

  /** All keys, in get_next_key order (collected first, so the map may change while you use them). */
  keys(): Uint8Array[] {
    const out: Uint8Array[] = [];
    const guard = this.def.maxEntries + 1;
    for (let k = this.nextKey(); k && out.length < guard; k = this.nextKey(k)) out.push(k);
    return out;
  }

  /** All [key, value] pairs, in get_next_key order; per-CPU values in the syscall layout. */
  entries(): Array<[Uint8Array, Uint8Array]> {
    const out: Array<[Uint8Array, Uint8Array]> = [];
    for (const k of this.keys()) {
      const v = this.lookup(k);
      if (v) out.push([k, v]);
    }
    return out;
  }

  /** Per-CPU maps: one value per CPU. */
  lookupPerCpu(key: Uint8Array): Uint8Array[] | undefined {
    this.requirePerCpu('lookup');
    const raw = this.lookup(key);
    return raw && this.splitPerCpu(raw);
  }

  /** Per-CPU maps: sets every CPU's value (values.length must be nCpus). */
  updatePerCpu(key: Uint8Array, values: readonly Uint8Array[], flags: number = BPF_ANY): void {
    this.requirePerCpu('update');
    if (values.length !== this.nCpus) {
      throw new MapError(this.name, 'update', EINVAL, `${values.length} values for ${this.nCpus} CPUs`);
    }
    const stride = round8(this.def.valueSize);
    const raw = new Uint8Array(stride * this.nCpus);
    values.forEach((v, cpu) => {
      if (v.length !== this.def.valueSize) throw new MapError(this.name, 'update', EINVAL, `value is ${v.length} bytes, the map's are ${this.def.valueSize}`);
      raw.set(v, cpu * stride);
    });
    this.update(key, raw, flags);
  }

  entriesPerCpu(): Array<[Uint8Array, Uint8Array[]]> {
    this.requirePerCpu('lookup');
    return this.entries().map(([k, v]) => [k, this.splitPerCpu(v)]);
  }

  /** BPF_MAP_FREEZE: from now on the host cannot change the map (programs still can, unless BPF_F_RDONLY_PROG). */
  freeze(): void {
    this.frozen = true;
  }

  get isFrozen(): boolean { return this.frozen; }

  /** Releases the map's arena memory and regions; the map must not be used afterwards. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const r of this.regions) this.arena.removeRegion(r);
    for (const a of this.allocations) this.arena.free(a);
    this.regions.clear();
    this.allocations.clear();
    this.registry.remove(this);
  }

  // ---- for subclasses ------------------------------------------------------

  protected alloc(size: number, align = 8): number {
    const off = this.arena.alloc(Math.max(size, 8), align);
    this.allocations.add(off);
    return off;
  }

  protected release(offset: number): void {
    if (this.allocations.delete(offset)) this.arena.free(offset);
  }

  protected addRegion(start: number, size: number, kind: RegionKind, what: string, writable: boolean): Region {
    const r = this.arena.addRegion(start, size, kind, `map ${this.name} ${what}`, writable);
    this.regions.add(r);
    return r;
  }

  protected removeRegion(region: Region): void {
    if (this.regions.delete(region)) this.arena.removeRegion(region);
  }

  /** Copies `len` bytes inside the arena. */
  protected copy(to: number, from: number, len: number): void {
    this.arena.bytes.copyWithin(to, from, from + len);
  }

  /** copy_map_value(): copies a value but leaves its bpf_spin_lock alone. */
  protected copyValue(to: number, from: number): void {
    const lock = this.def.spinLockOffset;
    const size = this.def.valueSize;
    if (lock === undefined) {
      this.copy(to, from, size);
    } else {
      this.copy(to, from, lock);
      this.copy(to + lock + 4, from + lock + 4, size - lock - 4);
    }
  }

  /**
   * copy_map_value_long(): per-CPU values through bpf() move round_up(value_size, 8)
   * bytes each, so the padding written by user space reads back.
   */
  protected copyValueLong(to: number, from: number): void {
    if (this.def.spinLockOffset === undefined) this.copy(to, from, round8(this.def.valueSize));
    else this.copyValue(to, from);
  }

  /** check_and_init_map_value(): values read through bpf() show their bpf_spin_lock as zero. */
  protected hideSpecialFields(out: Uint8Array, at = 0): void {
    const lock = this.def.spinLockOffset;
    if (lock !== undefined) out.fill(0, at + lock, at + lock + 4);
  }

  protected splitPerCpu(raw: Uint8Array): Uint8Array[] {
    const stride = round8(this.def.valueSize);
    return Array.from({ length: this.nCpus }, (_, cpu) => raw.slice(cpu * stride, cpu * stride + this.def.valueSize));
  }

  private requirePerCpu(op: string): void {
    if (!this.perCpu) throw new MapError(this.name, op, EINVAL, `${this.type} is not a per-CPU map`);
  }

  private checkAccess(op: string, write: boolean): void {
    if (this.closed) throw new MapError(this.name, op, EINVAL, 'map is closed');
    if (write && (this.frozen || (this.def.flags & BPF_F_RDONLY) !== 0)) throw new MapError(this.name, op, EPERM, this.frozen ? 'map is frozen' : 'map is read-only (BPF_F_RDONLY)');
    if (!write && (this.def.flags & BPF_F_WRONLY) !== 0) throw new MapError(this.name, op, EPERM, 'map is write-only (BPF_F_WRONLY)');
  }

  private putKey(at: number, key: Uint8Array, op: string): void {
    if (key.length !== this.def.keySize) {
      throw new MapError(this.name, op, EINVAL, `key is ${key.length} bytes, the map's are ${this.def.keySize}`);
    }
    this.arena.bytes.set(key, at);
  }

  protected hostScratch(): { key: number; next: number; value: number } {
    if (!this.scratch) {
      this.scratch = {
        key: this.alloc(round8(this.def.keySize)),
        next: this.alloc(round8(this.def.keySize)),
        value: this.alloc(round8(this.sysValueSize)),
      };
    }
    return this.scratch;
  }
}
