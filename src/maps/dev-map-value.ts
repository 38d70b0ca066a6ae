import type { MapRegistry } from './registry.js';
import { EINVAL } from './errno.js';

/**
 * __dev_map_alloc_node(): struct bpf_devmap_val {u32 ifindex; union
 * {int fd; u32 id} bpf_prog} as user space writes it (4 or 8 bytes at
 * `at`), turned into what lookups read back: the ifindex and the id of the
 * program (0 without one). The device must exist (registry.netdevs, else
 * -EINVAL, as dev_get_by_index() failing does); a program fd > 0 names a
 * registered program (its id here) of type xdp, else -EINVAL. The VM does
 * not know a program's expected_attach_type, so BPF_XDP_DEVMAP is not checked.
 */
export function devmapValue(registry: MapRegistry, view: DataView, at: number, valueSize: number): { ifindex: number; progId: number } | number {
  const ifindex = view.getUint32(at, true);
  const fd = valueSize >= 8 ? view.getInt32(at + 4, true) : 0;
  if (!registry.netdevs.has(ifindex)) return -EINVAL;
  if (fd <= 0) return { ifindex, progId: 0 };
  const prog = registry.programById(fd);
  if (!prog || (prog.type !== undefined && prog.type !== 'xdp')) return -EINVAL;
  return { ifindex, progId: prog.id };
}

/** Writes a devmap value as lookups show it (ifindex, program id). */
export function writeDevmapValue(view: DataView, at: number, valueSize: number, v: { ifindex: number; progId: number }): void {
  view.setUint32(at, v.ifindex, true);
  if (valueSize >= 8) view.setUint32(at + 4, v.progId, true);
}
