import type { MapSpec } from '../../elf/object-spec.js';

const PAGE_SIZE = 4096;

/**
 * max_entries as libbpf adjusts it at load time: a perf_event_array left
 * at 0 gets one slot per possible CPU, and a ring buffer's size is rounded
 * up to a power-of-2 multiple of the page size.
 */
export function adjustedMaxEntries(spec: MapSpec, possibleCpus: number): number {
  if (spec.type === 'BPF_MAP_TYPE_PERF_EVENT_ARRAY' && spec.maxEntries === 0) return possibleCpus;
  if (spec.type === 'BPF_MAP_TYPE_RINGBUF' || spec.type === 'BPF_MAP_TYPE_USER_RINGBUF') {
    let size = PAGE_SIZE;
    while (size < spec.maxEntries && size < 2 ** 31) size *= 2;
    return size;
  }
  return spec.maxEntries;
}
