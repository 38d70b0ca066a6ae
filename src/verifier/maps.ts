import { BPF_MAP_TYPE, isMapTypeName } from '../maps/map-types.js';

/**
 * A map as the verifier needs to know it (what BPF_MAP_CREATE was given).
 * The loader's MapSpec and the maps' MapDefinition both fit: `type` is the
 * kernel's name (`hash`) or number.
 */
export interface MapDesc {
  readonly type: string | number;
  readonly keySize: number;
  readonly valueSize: number;
  readonly maxEntries: number;
  readonly flags?: number;
  readonly name?: string;
  /** Template of the inner maps of array_of_maps / hash_of_maps (MapSpec spells it `inner`). */
  readonly inner?: MapDesc;
  readonly innerMap?: MapDesc;
}

/** A map description with the numeric type, as the checks use it. */
export interface VerifierMap {
  readonly type: number;
  readonly keySize: number;
  readonly valueSize: number;
  readonly maxEntries: number;
  readonly flags: number;
  readonly name?: string;
  readonly inner?: VerifierMap;
}

export const MapType = BPF_MAP_TYPE;

/** map_flags bits the verifier looks at. */
export const BPF_F_RDONLY_PROG = 1 << 7;
export const BPF_F_WRONLY_PROG = 1 << 8;

export function normalizeMap(m: MapDesc): VerifierMap {
  let type: number;
  if (typeof m.type === 'number') type = m.type;
  else if (isMapTypeName(m.type)) type = BPF_MAP_TYPE[m.type];
  else throw new TypeError(`unknown map type ${m.type}`);
  const inner = m.inner ?? m.innerMap;
  return {
    type,
    keySize: m.keySize,
    valueSize: m.valueSize,
    maxEntries: m.maxEntries,
    flags: m.flags ?? 0,
    name: m.name,
    inner: inner ? normalizeMap(inner) : undefined,
  };
}

export const isMapOfMaps = (m: VerifierMap): boolean =>
  m.type === MapType.array_of_maps || m.type === MapType.hash_of_maps;
