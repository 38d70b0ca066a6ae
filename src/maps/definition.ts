import { BPF_MAP_TYPE, isMapTypeName, mapTypeNameOf, type MapTypeName } from './map-types.js';
import { MapDefinitionError } from './errors.js';
import { EINVAL } from './errno.js';

/**
 * What a map is, as BPF_MAP_CREATE takes it. The loader's MapSpec maps onto
 * this (type by the kernel's name or number, sizes in bytes).
 */
export interface MapDefinition {
  /** The kernel's map type: `hash`, `array`, ... or its enum bpf_map_type number. */
  readonly type: MapTypeName | number;
  readonly keySize: number;
  readonly valueSize: number;
  readonly maxEntries: number;
  /** map_flags (BPF_F_NO_PREALLOC, BPF_F_RDONLY_PROG, ...); default 0. */
  readonly flags?: number;
  /** Name used in errors, region names and dumps. */
  readonly name?: string;
  /** Template of the inner maps of array_of_maps and hash_of_maps. */
  readonly innerMap?: MapDefinition;
  /** map_extra: for bloom_filter, the number of hash functions in the low 4 bits (0 means 5). */
  readonly mapExtra?: bigint;
  /** Byte offset of the value's `struct bpf_spin_lock` (from BTF); BPF_F_LOCK needs one. */
  readonly spinLockOffset?: number;
}

/** A definition with every field present and the type as its name. */
export interface ResolvedMapDefinition {
  readonly type: MapTypeName;
  readonly typeId: number;
  readonly keySize: number;
  readonly valueSize: number;
  readonly maxEntries: number;
  readonly flags: number;
  readonly name: string;
  readonly innerMap: ResolvedMapDefinition | undefined;
  readonly mapExtra: bigint;
  readonly spinLockOffset: number | undefined;
}

const isU32 = (n: number): boolean => Number.isInteger(n) && n >= 0 && n <= 0xffffffff;

/** Checks the fields every map type shares and names the type. */
export function resolveDefinition(def: MapDefinition): ResolvedMapDefinition {
  const name = def.name ?? 'anonymous';
  const type = typeof def.type === 'number' ? mapTypeNameOf(def.type) : isMapTypeName(def.type) ? def.type : undefined;
  if (type === undefined) throw new MapDefinitionError(name, EINVAL, `unknown map type ${String(def.type)}`);
  for (const field of ['keySize', 'valueSize', 'maxEntries'] as const) {
    if (!isU32(def[field])) throw new MapDefinitionError(name, EINVAL, `${field} ${def[field]} is not a u32`);
  }
  const flags = def.flags ?? 0;
  if (!isU32(flags)) throw new MapDefinitionError(name, EINVAL, `map_flags ${flags} is not a u32`);
  const spin = def.spinLockOffset;
  if (spin !== undefined && (!Number.isInteger(spin) || spin < 0 || spin % 4 !== 0 || spin + 4 > def.valueSize)) {
    throw new MapDefinitionError(name, EINVAL, `bpf_spin_lock offset ${spin} does not fit the value`);
  }
  return {
    type,
    typeId: BPF_MAP_TYPE[type],
    keySize: def.keySize,
    valueSize: def.valueSize,
    maxEntries: def.maxEntries,
    flags,
    name,
    innerMap: def.innerMap ? resolveDefinition({ name: `${name}.inner`, ...def.innerMap }) : undefined,
    mapExtra: def.mapExtra ?? 0n,
    spinLockOffset: spin,
  };
}
