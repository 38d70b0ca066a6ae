import type { MapSpec } from '../../elf/object-spec.js';
import { KernelError } from '../errors.js';
import { join } from 'node:path';
import { requireMapType } from '../features/require-feature.js';
import { KernelMap, type MapCreateOptions } from '../map.js';
import { createOrReusePinnedMap } from '../pin-by-name.js';
import { possibleCpus } from '../cpus.js';
import { ObjectLoadError } from './errors.js';
import { adjustedMaxEntries } from './map-sizes.js';
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

/** A kernel map created from a MapSpec (or reused from its pin), and whether BTF was kept on it. */
export interface CreatedMap {
  readonly map: KernelMap;
  readonly withBtf: boolean;
  /** True when a compatible map pinned by name was reused (its contents are kept). */
  readonly reused: boolean;
}

/** What createMapFromSpec needs besides the spec. */
export interface MapCreateContext {
  readonly btfFd: number | null;
  /** Directory of maps pinned by name (LIBBPF_PIN_BY_NAME); default /sys/fs/bpf, as libbpf's. */
  readonly pinRoot: string;
}

/**
 * BPF_MAP_CREATE from a MapSpec as libbpf does it: name, flags, map_extra,
 * NUMA node, BTF key/value type ids when the object's BTF is loaded (retried
 * without them when the kernel refuses, as for prog arrays), and for maps of
 * maps an inner template created from `spec.inner` only for the call.
 */
export function createMapFromSpec(spec: MapSpec, context: MapCreateContext): CreatedMap {
  const btfFd = context.btfFd;
  let innerFd: number | undefined;
  let inner: KernelMap | undefined;
  if (spec.inner !== undefined) {
    inner = createMapFromSpec({ ...spec.inner, name: innerName(spec), pinning: 'none' }, context).map;
    innerFd = inner.fd;
  }
  try {
    const base: MapCreateOptions = {
      type: spec.typeId,
      keySize: spec.keySize,
      valueSize: spec.valueSize,
      maxEntries: adjustedMaxEntries(spec, possibleCpus()),
      flags: spec.flags,
      name: spec.name,
      innerMapFd: innerFd,
      numaNode: (spec.flags & BPF_F_NUMA_NODE) !== 0 ? spec.numaNode : 0,
      mapExtra: spec.mapExtra,
    };
    const create = (options: MapCreateOptions): { map: KernelMap; reused: boolean } => (spec.pinning === 'by_name'
      ? createOrReusePinnedMap(options, join(context.pinRoot, spec.name))
      : { map: KernelMap.create(options), reused: false });
    if (btfFd !== null && mapTakesBtf(spec)) {
      try {
        return { ...create({ ...base, btfFd, btfKeyTypeId: spec.keyType, btfValueTypeId: spec.valueType }), withBtf: true };
      } catch (err) {
        if (!(err instanceof KernelError)) throw err;
      }
    }
    try {
      return { ...create(base), withBtf: false };
    } catch (err) {
      if (!(err instanceof KernelError)) throw err;
      requireMapType(spec.type);
      throw new ObjectLoadError(`map ${spec.name} (${spec.type}): ${err.message}`, spec.section);
    }
  } finally {
    inner?.close();
  }
}

/** libbpf names an inner template `<outer>.inner`; names hold 15 bytes. */
function innerName(spec: MapSpec): string {
  return `${spec.name.slice(0, 9)}.inner`;
}
