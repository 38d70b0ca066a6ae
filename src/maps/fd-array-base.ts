import type { Arena } from '../memory/arena.js';
import type { ResolvedMapDefinition } from './definition.js';
import { BpfMap } from './bpf-map.js';
import { checkFdArrayDefinition } from './array-checks.js';
import { arrayGetNextKey } from './array-next-key.js';
import { E2BIG, EINVAL, ENOENT, ENOTSUPP } from './errno.js';
import { BPF_ANY } from './flags.js';

/**
 * The arrays whose values are kernel objects that bpf() names by file
 * descriptor (prog_array, perf_event_array, array_of_maps): user space writes
 * a u32 and reads back an id; programs never see the slot itself. Here the
 * u32 is the object's id in this VM's registry.
 */
export abstract class FdArrayBase<T> extends BpfMap {
  protected readonly slots: Array<T | null>;

  protected constructor(arena: Arena, def: ResolvedMapDefinition, extraCheck: (def: ResolvedMapDefinition) => void = () => {}) {
    super(arena, def, (d) => { checkFdArrayDefinition(d); extraCheck(d); });
    this.slots = new Array<T | null>(def.maxEntries).fill(null);
  }

  /** The object for a u32 written through bpf(), or an errno (EBADF for an unknown id, EINVAL if incompatible). */
  protected abstract resolve(id: number): T | number;
  /** The u32 bpf() reads back for an object, or undefined when lookups are not supported. */
  protected abstract idOf(entry: T): number | undefined;
  /** The type has a map_fd_sys_lookup_elem (bpf() lookups read ids back); without one, every lookup is ENOTSUPP. */
  protected readonly sysLookupSupported: boolean = true;

  /** The object at `index`, or null. */
  at(index: number): T | null {
    return index >= 0 && index < this.slots.length ? this.slots[index] : null;
  }

  /** Puts an object at `index` (null clears it); kernel checks apply (index, compatibility). */
  protected place(index: number, entry: T | null): number {
    if (index >= this.def.maxEntries) return -E2BIG;
    this.slots[index] = entry;
    return 0;
  }

  protected override sysUpdate(keyOffset: number, valueOffset: number, flags: number): number {
    if (flags !== BPF_ANY) return -EINVAL;
    const index = this.arena.view.getUint32(keyOffset, true);
    if (index >= this.def.maxEntries) return -E2BIG;
    const entry = this.resolve(this.arena.view.getUint32(valueOffset, true));
    if (typeof entry === 'number') return entry;
    return this.place(index, entry);
  }

  protected override sysLookup(keyOffset: number, out: Uint8Array): number {
    // bpf_fd_array_map_lookup_elem() refuses the type before it looks at the slot.
    if (!this.sysLookupSupported) return -ENOTSUPP;
    const index = this.arena.view.getUint32(keyOffset, true);
    const entry = index < this.def.maxEntries ? this.slots[index] : null;
    if (entry === null) return -ENOENT;
    const id = this.idOf(entry);
    if (id === undefined) return -ENOTSUPP;
    new DataView(out.buffer, out.byteOffset, out.byteLength).setUint32(0, id, true);
    return 0;
  }

  /** fd_array_map_delete_elem(), also what programs get for bpf_map_delete_elem. */
  override deleteElem(keyOffset: number): number {
    const index = this.arena.view.getUint32(keyOffset, true);
    if (index >= this.def.maxEntries) return -E2BIG;
    if (this.slots[index] === null) return -ENOENT;
    this.slots[index] = null;
    return 0;
  }

  protected getNextKey(keyOffset: number | null, nextOffset: number): number {
    return arrayGetNextKey(this.arena.view, keyOffset, nextOffset, this.def.maxEntries);
  }
}
