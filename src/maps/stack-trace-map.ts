import type { Arena } from '../memory/arena.js';
import type { ResolvedMapDefinition } from './definition.js';
import { BpfMap } from './bpf-map.js';
import { MapDefinitionError } from './errors.js';
import { E2BIG, EINVAL, ENOENT } from './errno.js';
import { BPF_F_NUMA_NODE, BPF_F_RDONLY, BPF_F_STACK_BUILD_ID, BPF_F_WRONLY } from './flags.js';

const STACK_CREATE_FLAG_MASK = BPF_F_NUMA_NODE | BPF_F_RDONLY | BPF_F_WRONLY | BPF_F_STACK_BUILD_ID;
/** sysctl kernel.perf_event_max_stack's default: the deepest trace a value may hold. */
export const PERF_EVENT_MAX_STACK = 127;
/** sizeof(struct bpf_stack_build_id). */
export const STACK_BUILD_ID_SIZE = 32;

/** stack_map_alloc()'s checks. */
function checkStackTraceDefinition(def: ResolvedMapDefinition): void {
  const fail = (errno: number, why: string): never => { throw new MapDefinitionError(def.name, errno, why); };
  if ((def.flags & ~STACK_CREATE_FLAG_MASK) !== 0) fail(EINVAL, `map_flags 0x${def.flags.toString(16)}`);
  if (def.maxEntries === 0 || def.keySize !== 4 || def.valueSize < 8 || def.valueSize % 8 !== 0) {
    fail(EINVAL, `key_size ${def.keySize}, value_size ${def.valueSize}, max_entries ${def.maxEntries} (a u32 id, a multiple of 8 bytes, at least one entry)`);
  }
  const frame = (def.flags & BPF_F_STACK_BUILD_ID) !== 0 ? STACK_BUILD_ID_SIZE : 8;
  if (def.valueSize % frame !== 0 || def.valueSize / frame > PERF_EVENT_MAX_STACK) fail(EINVAL, `value_size ${def.valueSize} is not up to ${PERF_EVENT_MAX_STACK} frames of ${frame} bytes`);
  if (def.maxEntries > 2 ** 31) fail(E2BIG, `max_entries ${def.maxEntries}`);
}

/**
 * BPF_MAP_TYPE_STACK_TRACE: stack traces by the id bpf_get_stackid() returns.
 * The VM has no call chains to record (bpf_get_stackid() answers -EFAULT, as
 * the kernel does when it cannot fetch one), so its buckets stay empty:
 * lookups and next-key -ENOENT, deletes -ENOENT (-E2BIG past the buckets),
 * bpf() updates -EINVAL, as stackmap.c answers for an empty map.
 */
export class StackTraceMap extends BpfMap {
  /** roundup_pow_of_two(max_entries): the ids a trace may have. */
  readonly buckets: number;

  constructor(arena: Arena, def: ResolvedMapDefinition) {
    super(arena, def, checkStackTraceDefinition);
    this.buckets = 2 ** Math.ceil(Math.log2(def.maxEntries));
  }

  protected override sysLookup(): number {
    return -ENOENT;
  }

  override deleteElem(keyOffset: number): number {
    return this.arena.view.getUint32(keyOffset, true) >= this.buckets ? -E2BIG : -ENOENT;
  }

  protected getNextKey(): number {
    return -ENOENT;
  }
}
