import type { MapSpec } from '../../elf/object-spec.js';
import { KernelError } from '../errors.js';
import { KernelMap, type MapCreateOptions } from '../map.js';
import { BPF_F_NUMA_NODE, BpfMapType } from '../uapi.js';

/**
 * Map types that libbpf creates without BTF key/value types: their values
 * are fds, or they have no key, and the kernel refuses BTF for them.
 */
const NO_BTF_TYPES = new Set<number>([
  BpfMapType.BPF_MAP_TYPE_PERF_EVENT_ARRAY, BpfMapType.BPF_MAP_TYPE_CGROUP_ARRAY, BpfMapType.BPF_MAP_TYPE_STACK_TRACE,
  BpfMapType.BPF_MAP_TYPE_ARRAY_OF_MAPS, BpfMapType.BPF_MAP_TYPE_HASH_OF_MAPS, BpfMapType.BPF_MAP_TYPE_DEVMAP,
  BpfMapType.BPF_MAP_TYPE_DEVMAP_HASH, BpfMapType.BPF_MAP_TYPE_CPUMAP, BpfMapType.BPF_MAP_TYPE_XSKMAP,
  BpfMapType.BPF_MAP_TYPE_SOCKMAP, BpfMapType.BPF_MAP_TYPE_SOCKHASH, BpfMapType.BPF_MAP_TYPE_QUEUE,
  BpfMapType.BPF_MAP_TYPE_STACK,
]);

/** Whether a map of this spec carries BTF types in the kernel (as libbpf decides). */
export function mapTakesBtf(spec: MapSpec): boolean {
  return !NO_BTF_TYPES.has(spec.typeId) && spec.valueType !== 0;
}

/** A kernel map created from a MapSpec, and whether BTF was kept on it. */
export interface CreatedMap {
  readonly map: KernelMap;
  readonly withBtf: boolean;
}

/**
 * BPF_MAP_CREATE from a MapSpec as libbpf does it: name, flags, map_extra,
 * NUMA node, BTF key/value type ids when the object's BTF is loaded (retried
 * without them when the kernel refuses, as for prog arrays), and for maps of
 * maps an inner template created from `spec.inner` only for the call.
 */
export function createMapFromSpec(spec: MapSpec, btfFd: number | null): CreatedMap {
  let innerFd: number | undefined;
  let inner: KernelMap | undefined;
  if (spec.inner !== undefined) {
    inner = createMapFromSpec({ ...spec.inner, name: innerName(spec) }, btfFd).map;
    innerFd = inner.fd;
  }
  try {
    const base: MapCreateOptions = {
      type: spec.typeId,
      keySize: spec.keySize,
      valueSize: spec.valueSize,
      maxEntries: spec.maxEntries,
      flags: spec.flags,
      name: spec.name,
      innerMapFd: innerFd,
      numaNode: (spec.flags & BPF_F_NUMA_NODE) !== 0 ? spec.numaNode : 0,
      mapExtra: spec.mapExtra,
    };
    if (btfFd !== null && mapTakesBtf(spec)) {
      try {
        return {
          map: KernelMap.create({ ...base, btfFd, btfKeyTypeId: spec.keyType, btfValueTypeId: spec.valueType }),
          withBtf: true,
        };
      } catch (err) {
        if (!(err instanceof KernelError)) throw err;
      }
    }
    return { map: KernelMap.create(base), withBtf: false };
  } finally {
    inner?.close();
  }
}

/** libbpf names an inner template `<outer>.inner`; names hold 15 bytes. */
function innerName(spec: MapSpec): string {
  return `${spec.name.slice(0, 9)}.inner`;
}
