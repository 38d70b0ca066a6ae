import type { ResolvedMapDefinition } from './definition.js';
import { MapDefinitionError } from './errors.js';
import { E2BIG, EINVAL } from './errno.js';
import {
  BPF_F_ACCESS_MASK, BPF_F_INNER_MAP, BPF_F_MMAPABLE, BPF_F_NUMA_NODE, BPF_F_PRESERVE_ELEMS,
  BPF_F_RDONLY_PROG, BPF_F_WRONLY_PROG,
} from './flags.js';

const ARRAY_CREATE_FLAG_MASK = BPF_F_NUMA_NODE | BPF_F_MMAPABLE | BPF_F_ACCESS_MASK | BPF_F_PRESERVE_ELEMS | BPF_F_INNER_MAP;
/** PCPU_MIN_UNIT_SIZE: the largest per-CPU value. */
export const PCPU_MIN_UNIT_SIZE = 32768;

/** bpf_map_flags_access_ok(): a map cannot be both read-only and write-only for programs. */
export function accessFlagsOk(flags: number): boolean {
  return (flags & (BPF_F_RDONLY_PROG | BPF_F_WRONLY_PROG)) !== (BPF_F_RDONLY_PROG | BPF_F_WRONLY_PROG);
}

/** array_map_alloc_check(): the checks every array-based map type shares. */
export function checkArrayDefinition(def: ResolvedMapDefinition, percpu: boolean): void {
  const fail = (errno: number, why: string): never => { throw new MapDefinitionError(def.name, errno, why); };
  if (def.maxEntries === 0) fail(EINVAL, 'max_entries is 0');
  if (def.keySize !== 4) fail(EINVAL, `key_size ${def.keySize} (arrays take a u32 index)`);
  if (def.valueSize === 0) fail(EINVAL, 'value_size is 0');
  if ((def.flags & ~ARRAY_CREATE_FLAG_MASK) !== 0 || !accessFlagsOk(def.flags)) fail(EINVAL, `map_flags 0x${def.flags.toString(16)}`);
  if (percpu && (def.flags & BPF_F_NUMA_NODE) !== 0) fail(EINVAL, 'BPF_F_NUMA_NODE on a per-CPU array');
  if (def.type !== 'array' && (def.flags & (BPF_F_MMAPABLE | BPF_F_INNER_MAP)) !== 0) fail(EINVAL, 'BPF_F_MMAPABLE/BPF_F_INNER_MAP apply to array maps only');
  if (def.type !== 'perf_event_array' && (def.flags & BPF_F_PRESERVE_ELEMS) !== 0) fail(EINVAL, 'BPF_F_PRESERVE_ELEMS applies to perf_event_array only');
  if (def.valueSize > 0x7fffffff) fail(E2BIG, 'value_size too large');
  if (percpu && ((def.valueSize + 7) & ~7) > PCPU_MIN_UNIT_SIZE) fail(E2BIG, `per-CPU value_size ${def.valueSize} above ${PCPU_MIN_UNIT_SIZE}`);
}

/** fd_array_map_alloc_check(): prog_array, perf_event_array, array_of_maps hold u32 descriptors. */
export function checkFdArrayDefinition(def: ResolvedMapDefinition): void {
  if (def.valueSize !== 4) throw new MapDefinitionError(def.name, EINVAL, `value_size ${def.valueSize} (the value is a u32 fd)`);
  if ((def.flags & (BPF_F_RDONLY_PROG | BPF_F_WRONLY_PROG)) !== 0) {
    throw new MapDefinitionError(def.name, EINVAL, 'BPF_F_RDONLY_PROG/BPF_F_WRONLY_PROG on a map of descriptors');
  }
  checkArrayDefinition(def, false);
}
