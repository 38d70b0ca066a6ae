import { BpfMapType, type BpfMapTypeName } from '../uapi/bpf-map-type.js';
import { enumNameOf } from '../uapi/enum-lookup.js';
import { ElfError } from './errors.js';

/** The kernel name of a map type number; ElfError for BPF_MAP_TYPE_UNSPEC or unknown numbers. */
export function mapTypeName(type: number, map: string, section: string, offset: number): BpfMapTypeName {
  const name = enumNameOf(BpfMapType, type);
  if (name === undefined || type === 0) {
    throw new ElfError(`map '${map}': ${type === 0 ? 'map type is not specified' : `unknown map type ${type}`}`, section, offset);
  }
  return name;
}

export const isMapInMap = (type: BpfMapTypeName): boolean =>
  type === 'BPF_MAP_TYPE_ARRAY_OF_MAPS' || type === 'BPF_MAP_TYPE_HASH_OF_MAPS';

const PAGE_SIZE = 4096;

/** libbpf rounds a ring buffer's size up to a power-of-two number of pages. */
export function adjustRingbufSize(size: number): number {
  if (size === 0) return 0;
  if (size % PAGE_SIZE === 0 && Number.isInteger(Math.log2(size / PAGE_SIZE))) return size;
  for (let mul = 1; mul * PAGE_SIZE <= 0xffffffff; mul *= 2) if (mul * PAGE_SIZE > size) return mul * PAGE_SIZE;
  return size;
}
