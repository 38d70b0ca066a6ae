import type { Arena } from '../memory/arena.js';
import type { ResolvedMapDefinition } from './definition.js';
import { ArrayMap } from './array-map.js';
import { ENOENT } from './errno.js';

/**
 * BPF_MAP_TYPE_PERCPU_ARRAY: an array with one value per CPU per element.
 * Programs see the current CPU's value; bpf() reads and writes all of them
 * (each padded to 8 bytes, CPU 0 first). Element i, CPU c lives at
 * valuesOffset + (i * nCpus + c) * stride.
 */
export class PercpuArrayMap extends ArrayMap {
  override readonly perCpu = true;

  constructor(arena: Arena, def: ResolvedMapDefinition) {
    super(arena, def);
  }

  override get sysValueSize(): number {
    return this.stride * this.nCpus;
  }

  protected override sysLookup(keyOffset: number, out: Uint8Array): number {
    const index = this.arena.view.getUint32(keyOffset, true);
    if (index >= this.def.maxEntries) return -ENOENT;
    const bytes = this.arena.bytes;
    for (let cpu = 0; cpu < this.nCpus; cpu++) {
      const at = this.valueOffset(index, cpu);
      out.set(bytes.subarray(at, at + this.stride), cpu * this.stride);
      this.hideSpecialFields(out, cpu * this.stride);
    }
    return 0;
  }

  /** bpf_percpu_array_update(): every CPU's value from the syscall layout. */
  protected override sysUpdate(keyOffset: number, valueOffset: number, flags: number): number {
    const r = this.checkUpdate(keyOffset, flags);
    if (r !== 0) return r;
    const index = this.arena.view.getUint32(keyOffset, true);
    for (let cpu = 0; cpu < this.nCpus; cpu++) this.copyValueLong(this.valueOffset(index, cpu), valueOffset + cpu * this.stride);
    return 0;
  }
}
