import type { Arena } from '../memory/arena.js';
import type { ResolvedMapDefinition } from './definition.js';
import { BpfMap } from './bpf-map.js';
import { accessFlagsOk } from './array-checks.js';
import { MapDefinitionError, MapError } from './errors.js';
import { E2BIG, EINVAL, ENOENT } from './errno.js';
import { BPF_ANY, BPF_EXIST, BPF_F_ACCESS_MASK, BPF_F_NUMA_NODE, BPF_NOEXIST } from './flags.js';

const QUEUE_STACK_CREATE_FLAG_MASK = BPF_F_NUMA_NODE | BPF_F_ACCESS_MASK;

/**
 * queue_stack_maps.c: max_entries + 1 slots of value_size bytes in the
 * arena with a head and a tail index; no keys. Push with BPF_EXIST makes
 * room in a full map by dropping the oldest element; pop and peek of an
 * empty map give -ENOENT and zero the destination.
 */
export abstract class QueueStackBase extends BpfMap {
  readonly elementsOffset: number;
  protected head = 0;
  protected tail = 0;
  /** Slots: max_entries + 1. */
  protected readonly slots: number;

  protected constructor(arena: Arena, def: ResolvedMapDefinition) {
    super(arena, def, (d) => {
      if (d.maxEntries === 0 || d.keySize !== 0 || d.valueSize === 0 || (d.flags & ~QUEUE_STACK_CREATE_FLAG_MASK) !== 0 || !accessFlagsOk(d.flags)) {
        throw new MapDefinitionError(d.name, EINVAL, 'queue and stack maps take key_size 0, a value_size and max_entries');
      }
    });
    this.slots = def.maxEntries + 1;
    this.elementsOffset = this.alloc(this.slots * def.valueSize);
  }

  get isEmpty(): boolean { return this.head === this.tail; }

  get isFull(): boolean {
    let head = this.head + 1;
    if (head >= this.slots) head = 0;
    return head === this.tail;
  }

  /** Elements held. */
  get size(): number {
    return (this.head - this.tail + this.slots) % this.slots;
  }

  protected slotOffset(index: number): number {
    return this.elementsOffset + index * this.def.valueSize;
  }

  /** queue_stack_map_push_elem(). */
  override pushElem(valueOffset: number, flags: number): number {
    if ((flags & BPF_NOEXIST) !== 0 || flags > BPF_EXIST) return -EINVAL;
    if (this.isFull) {
      if ((flags & BPF_EXIST) === 0) return -E2BIG;
      if (++this.tail >= this.slots) this.tail = 0;
    }
    this.copy(this.slotOffset(this.head), valueOffset, this.def.valueSize);
    if (++this.head >= this.slots) this.head = 0;
    return 0;
  }

  /** Index of the element pop/peek would return (the map is not empty). */
  protected abstract nextOut(): number;
  /** Removes that element. */
  protected abstract removeOut(index: number): void;

  private get_(valueOffset: number, remove: boolean): number {
    if (this.isEmpty) {
      this.arena.bytes.fill(0, valueOffset, valueOffset + this.def.valueSize);
      return -ENOENT;
    }
    const index = this.nextOut();
    this.copy(valueOffset, this.slotOffset(index), this.def.valueSize);
    if (remove) this.removeOut(index);
    return 0;
  }

  override popElem(valueOffset: number): number { return this.get_(valueOffset, true); }
  override peekElem(valueOffset: number): number { return this.get_(valueOffset, false); }
  override lookupElem(): number { return 0; }
  override updateElem(): number { return -EINVAL; }
  override deleteElem(): number { return -EINVAL; }
  protected getNextKey(): number { return -EINVAL; }

  /** bpf(BPF_MAP_LOOKUP_ELEM) on a queue or stack peeks. */
  protected override sysLookup(_key: number, out: Uint8Array): number {
    const s = this.hostScratch();
    const r = this.peekElem(s.value);
    if (r === 0) out.set(this.arena.bytes.subarray(s.value, s.value + this.def.valueSize));
    return r;
  }

  /** bpf(BPF_MAP_UPDATE_ELEM) on a queue or stack pushes. */
  protected override sysUpdate(_key: number, valueOffset: number, flags: number): number {
    return this.pushElem(valueOffset, flags);
  }

  // ---- host API --------------------------------------------------------------

  push(value: Uint8Array, flags: number = BPF_ANY): void {
    this.update(new Uint8Array(0), value, flags);
  }

  /** BPF_MAP_LOOKUP_AND_DELETE_ELEM: the next element, removed; undefined when empty. */
  pop(): Uint8Array | undefined {
    const s = this.hostScratch();
    const r = this.popElem(s.value);
    if (r === -ENOENT) return undefined;
    if (r < 0) throw new MapError(this.name, 'pop', -r);
    return this.arena.bytes.slice(s.value, s.value + this.def.valueSize);
  }

  peek(): Uint8Array | undefined {
    return this.lookup(new Uint8Array(0));
  }

  /** The elements in the order pop would return them, without removing any. */
  abstract values(): Uint8Array[];
}
