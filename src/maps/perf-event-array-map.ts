import type { Arena } from '../memory/arena.js';
import type { ResolvedMapDefinition } from './definition.js';
import { FdArrayBase } from './fd-array-base.js';
import { PerfEventBuffer } from './perf-event-buffer.js';
import { E2BIG, EBADF, EINVAL, ENOENT, EOPNOTSUPP, ENOSPC } from './errno.js';

/**
 * BPF_MAP_TYPE_PERF_EVENT_ARRAY: slots hold per-CPU perf buffers that
 * bpf_perf_event_output() writes to. The host opens buffers (open/openAll),
 * as libbpf's perf_buffer puts one perf event per CPU in the array.
 */
export class PerfEventArrayMap extends FdArrayBase<PerfEventBuffer> {
  constructor(arena: Arena, def: ResolvedMapDefinition) {
    super(arena, def);
  }

  /** Installs a buffer for `cpu` at slot `cpu` (replacing any) and returns it. */
  open(cpu: number, capacity?: number): PerfEventBuffer {
    if (!Number.isInteger(cpu) || cpu < 0 || cpu >= this.def.maxEntries) throw new RangeError(`map ${this.name}: slot ${cpu} out of range`);
    const buffer = new PerfEventBuffer(cpu, capacity);
    this.place(cpu, buffer);
    return buffer;
  }

  /** Opens a buffer for every CPU (up to max_entries), as perf_buffer__new does. */
  openAll(capacity?: number): PerfEventBuffer[] {
    const n = Math.min(this.nCpus, this.def.maxEntries);
    return Array.from({ length: n }, (_, cpu) => this.open(cpu, capacity));
  }

  /**
   * __bpf_perf_event_output(): the sample goes to slot `index` (the current
   * CPU for BPF_F_CURRENT_CPU, resolved by the caller); 0 or -errno.
   */
  output(index: number, cpu: number, sample: Uint8Array): number {
    if (index >= this.def.maxEntries) return -E2BIG;
    const buffer = this.at(index);
    if (!buffer) return -ENOENT;
    if (buffer.cpu !== cpu) return -EOPNOTSUPP;
    return buffer.write(sample) ? 0 : -ENOSPC;
  }

  /** bpf() cannot install perf events in the VM: use open(). */
  protected resolve(): number {
    return -EBADF;
  }

  protected idOf(): undefined {
    return undefined;
  }

  /** perf_event_array_map_ops has no map_fd_sys_lookup_elem. */
  protected override readonly sysLookupSupported = false;

  override lookupElem(): number {
    return 0;
  }

  override updateElem(): number {
    return -EINVAL;
  }
}
