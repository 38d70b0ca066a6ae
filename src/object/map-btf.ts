import type { MapSpec } from '../elf/object-spec.js';
import { mapTakesBtf as libbpfGivesBtf } from '../kernel/object/map-from-spec.js';

/**
 * Whether a map of this spec carries BTF key/value types once created, as it
 * does in the kernel: libbpf leaves BTF off the fd-valued and keyless types,
 * and the kernel refuses it on prog arrays (libbpf then retries without). The
 * VM follows the same rule so that bpftool-style dumps match.
 */
export function mapTakesBtf(spec: MapSpec): boolean {
  return libbpfGivesBtf(spec) && spec.type !== 'BPF_MAP_TYPE_PROG_ARRAY';
}
