import type { Arena } from '../memory/arena.js';
import type { BpfMap } from './bpf-map.js';
import type { MapTypeName } from './map-types.js';
import { resolveDefinition, type MapDefinition, type ResolvedMapDefinition } from './definition.js';
import { MapDefinitionError } from './errors.js';
import { EINVAL } from './errno.js';
import { ArrayMap } from './array-map.js';
import { PercpuArrayMap } from './percpu-array-map.js';
import { HashMap } from './hash-map.js';
import { PercpuHashMap } from './percpu-hash-map.js';
import { LruHashMap } from './lru-hash-map.js';
import { LruPercpuHashMap } from './lru-percpu-hash-map.js';
import { LpmTrieMap } from './lpm-trie-map.js';
import { QueueMap } from './queue-map.js';
import { StackMap } from './stack-map.js';
import { BloomFilterMap } from './bloom-filter-map.js';
import { RingBufMap } from './ringbuf-map.js';
import { PerfEventArrayMap } from './perf-event-array-map.js';
import { ProgArrayMap } from './prog-array-map.js';
import { ArrayOfMapsMap } from './array-of-maps-map.js';
import { HashOfMapsMap } from './hash-of-maps-map.js';
import { DevMap } from './dev-map.js';
import { DevMapHash } from './dev-map-hash.js';
import { CpuMap } from './cpu-map.js';
import { XskMap } from './xsk-map.js';
import { CgroupArrayMap } from './cgroup-array-map.js';
import { StackTraceMap } from './stack-trace-map.js';

type MapConstructor = new (arena: Arena, def: ResolvedMapDefinition) => BpfMap;

const constructors: Partial<Record<MapTypeName, MapConstructor>> = {
  array: ArrayMap,
  percpu_array: PercpuArrayMap,
  hash: HashMap,
  percpu_hash: PercpuHashMap,
  lru_hash: LruHashMap,
  lru_percpu_hash: LruPercpuHashMap,
  lpm_trie: LpmTrieMap,
  queue: QueueMap,
  stack: StackMap,
  bloom_filter: BloomFilterMap,
  ringbuf: RingBufMap,
  perf_event_array: PerfEventArrayMap,
  prog_array: ProgArrayMap,
  array_of_maps: ArrayOfMapsMap,
  hash_of_maps: HashOfMapsMap,
  devmap: DevMap,
  devmap_hash: DevMapHash,
  cpumap: CpuMap,
  xskmap: XskMap,
  cgroup_array: CgroupArrayMap,
  stack_trace: StackTraceMap,
};

/** Map types this VM implements. */
export const SUPPORTED_MAP_TYPES: readonly MapTypeName[] = Object.keys(constructors) as MapTypeName[];

/**
 * BPF_MAP_CREATE in the arena's VM: checks the definition as the kernel does
 * (MapDefinitionError with the kernel's errno) and creates the map. Per-CPU
 * maps take the CPU count from mapRegistry(arena).nCpus.
 */
export function createMap(arena: Arena, definition: MapDefinition): BpfMap {
  const def = resolveDefinition(definition);
  const ctor = constructors[def.type];
  if (!ctor) throw new MapDefinitionError(def.name, EINVAL, `map type ${def.type} is not supported by the VM`);
  return new ctor(arena, def);
}
