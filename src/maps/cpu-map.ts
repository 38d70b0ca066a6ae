import type { Arena } from '../memory/arena.js';
import type { ResolvedMapDefinition } from './definition.js';
import { checkRedirectMapDefinition } from './redirect-target-map.js';
import { IndexedRedirectMap } from './indexed-redirect-map.js';
import { E2BIG, EEXIST, EINVAL, ENODEV, ENOENT, ENOMEM } from './errno.js';
import { BPF_EXIST, BPF_F_NUMA_NODE, BPF_NOEXIST } from './flags.js';
import { Errno } from '../uapi/errno.js';

/** cpu_map_update_elem()'s sanity limit on a CPU's queue size. */
const CPUMAP_MAX_QSIZE = 16384;

/**
 * BPF_MAP_TYPE_CPUMAP: per-CPU redirect queues (value: u32 qsize, or struct
 * bpf_cpumap_val with a program to run on the target CPU). As in cpumap.c:
 * a qsize of 0 empties the slot, the key must be a possible CPU (-ENODEV),
 * and a program that cannot be used makes the entry allocation fail (-ENOMEM).
 * bpf() lookups read qsize and the program's id; programs can only redirect.
 */
export class CpuMap extends IndexedRedirectMap {
  constructor(arena: Arena, def: ResolvedMapDefinition) {
    super(arena, def, (d) => checkRedirectMapDefinition(d, [4, 8], BPF_F_NUMA_NODE));
  }

  /** Programs cannot look cpumap entries up (the verifier refuses it). */
  override lookupElem(): number {
    return 0;
  }

  protected override sysLookup(keyOffset: number, out: Uint8Array): number {
    const slot = this.slotOf(this.arena.view.getUint32(keyOffset, true));
    if (slot < 0) return -ENOENT;
    out.set(this.arena.bytes.subarray(this.valueAt(slot), this.valueAt(slot) + this.def.valueSize));
    return 0;
  }

  /** cpu_map_update_elem(). */
  protected override sysUpdate(keyOffset: number, valueOffset: number, flags: number): number {
    const view = this.arena.view;
    const cpu = view.getUint32(keyOffset, true);
    if (flags > BPF_EXIST) return -EINVAL;
    if (cpu >= this.def.maxEntries) return -E2BIG;
    if (flags === BPF_NOEXIST) return -EEXIST;
    const qsize = view.getUint32(valueOffset, true);
    if (qsize > CPUMAP_MAX_QSIZE) return -Errno.EOVERFLOW;
    if (cpu >= this.nCpus) return -ENODEV;
    if (qsize === 0) {
      this.setPresent(cpu, false);
      return 0;
    }
    let progId = 0;
    const fd = this.def.valueSize >= 8 ? view.getInt32(valueOffset + 4, true) : 0;
    if (fd > 0) {
      const prog = this.registry.programById(fd);
      if (!prog || (prog.type !== undefined && prog.type !== 'xdp')) return -ENOMEM;
      progId = prog.id;
    }
    const at = this.valueAt(cpu);
    view.setUint32(at, qsize, true);
    if (this.def.valueSize >= 8) view.setUint32(at + 4, progId, true);
    this.setPresent(cpu, true);
    return 0;
  }
}
