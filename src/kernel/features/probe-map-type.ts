import { BTF_INT_SIGNED, BTF_KIND_INT } from '../../btf/kinds.js';
import { KernelError } from '../errors.js';
import { KernelMap, type MapCreateOptions } from '../map.js';
import { systemPageSize } from '../libc/mapped-region.js';
import { buildBtfBlob, btfInfo, stringSection } from '../object/btf-blob.js';
import { KernelBtf } from '../object/btf-load.js';
import { BPF_F_MMAPABLE, BPF_F_NO_PREALLOC, type BpfMapTypeName } from '../uapi.js';

/** Map types whose maps need BTF for key and value (local storage). */
const NEEDS_BTF = new Set<BpfMapTypeName>([
  'BPF_MAP_TYPE_SK_STORAGE', 'BPF_MAP_TYPE_INODE_STORAGE', 'BPF_MAP_TYPE_TASK_STORAGE', 'BPF_MAP_TYPE_CGRP_STORAGE',
]);

/** The smallest valid definition of a map of each type (key, value, entries, flags), as bpftool's probes make them. */
function probeDefinition(type: BpfMapTypeName): Omit<MapCreateOptions, 'type'> {
  const page = systemPageSize();
  switch (type) {
    case 'BPF_MAP_TYPE_LPM_TRIE': return { keySize: 8, valueSize: 8, maxEntries: 1, flags: BPF_F_NO_PREALLOC };
    case 'BPF_MAP_TYPE_STACK_TRACE': return { keySize: 4, valueSize: 8, maxEntries: 1 };
    case 'BPF_MAP_TYPE_CGROUP_STORAGE':
    case 'BPF_MAP_TYPE_PERCPU_CGROUP_STORAGE': return { keySize: 16, valueSize: 8, maxEntries: 0 }; // struct bpf_cgroup_storage_key
    case 'BPF_MAP_TYPE_QUEUE':
    case 'BPF_MAP_TYPE_STACK':
    case 'BPF_MAP_TYPE_BLOOM_FILTER': return { keySize: 0, valueSize: 4, maxEntries: 1 };
    case 'BPF_MAP_TYPE_RINGBUF':
    case 'BPF_MAP_TYPE_USER_RINGBUF': return { keySize: 0, valueSize: 0, maxEntries: page };
    case 'BPF_MAP_TYPE_ARENA': return { keySize: 0, valueSize: 0, maxEntries: 1, flags: BPF_F_MMAPABLE };
    case 'BPF_MAP_TYPE_SK_STORAGE':
    case 'BPF_MAP_TYPE_INODE_STORAGE':
    case 'BPF_MAP_TYPE_TASK_STORAGE':
    case 'BPF_MAP_TYPE_CGRP_STORAGE': return { keySize: 4, valueSize: 4, maxEntries: 0, flags: BPF_F_NO_PREALLOC };
    case 'BPF_MAP_TYPE_HASH':
    case 'BPF_MAP_TYPE_ARRAY':
    case 'BPF_MAP_TYPE_PERCPU_HASH':
    case 'BPF_MAP_TYPE_PERCPU_ARRAY':
    case 'BPF_MAP_TYPE_LRU_HASH':
    case 'BPF_MAP_TYPE_LRU_PERCPU_HASH': return { keySize: 4, valueSize: 8, maxEntries: 1 };
    default: return { keySize: 4, valueSize: 4, maxEntries: 1 };
  }
}

/** BTF with `int` as type 1, for the maps that need BTF key and value types. */
function intBtf(): KernelBtf {
  const { bytes, offsets } = stringSection(['int']);
  return KernelBtf.load(buildBtfBlob([offsets[0], btfInfo(BTF_KIND_INT), 4, ((BTF_INT_SIGNED << 24) | 32) >>> 0], bytes));
}

/**
 * Whether the kernel can create maps of type `type` (bpftool's map probes):
 * a minimal map is created and closed. Maps of maps get an array as inner
 * map, local storage gets BTF. struct_ops maps need a kernel struct's BTF
 * and are reported unknown (undefined).
 */
export function probeMapType(type: BpfMapTypeName): boolean | undefined {
  if (type === 'BPF_MAP_TYPE_STRUCT_OPS' || type === 'BPF_MAP_TYPE_UNSPEC') return undefined;
  const held: { close(): void }[] = [];
  try {
    let extra: Partial<MapCreateOptions> = {};
    if (type === 'BPF_MAP_TYPE_ARRAY_OF_MAPS' || type === 'BPF_MAP_TYPE_HASH_OF_MAPS') {
      const inner = KernelMap.create({ type: 'BPF_MAP_TYPE_ARRAY', keySize: 4, valueSize: 4, maxEntries: 1 });
      held.push(inner);
      extra = { innerMapFd: inner.fd };
    }
    if (NEEDS_BTF.has(type)) {
      const btf = intBtf();
      held.push(btf);
      extra = { btfFd: btf.fd, btfKeyTypeId: 1, btfValueTypeId: 1 };
    }
    KernelMap.create({ type, name: 'tsbpf_probe', ...probeDefinition(type), ...extra }).close();
    return true;
  } catch (err) {
    if (err instanceof KernelError) return false;
    throw err;
  } finally {
    for (const h of held) h.close();
  }
}
