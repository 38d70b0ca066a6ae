import { BPF_F_RDONLY_PROG } from '../uapi/flags.js';
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
  /**
   * The value of a one-entry array frozen with BPF_F_RDONLY_PROG (global
   * `.rodata`): reads at constant offsets give constants, as in the kernel.
   */
  readonly frozenValue?: Uint8Array;
  /** Byte offset of the value's `struct bpf_spin_lock` (from BTF), if it has one. */
  readonly spinLockOffset?: number;
  /** The map was created with BTF for its key and value (BTF-defined maps). */
  readonly hasBtf?: boolean;
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
  readonly frozenValue?: Uint8Array;
  readonly spinLockOffset?: number;
  readonly hasBtf: boolean;
}

export const MapType = BPF_MAP_TYPE;


export function normalizeMap(m: MapDesc): VerifierMap {
  let type: number;
  if (typeof m.type === 'number') type = m.type;
  else if (isMapTypeName(m.type)) type = BPF_MAP_TYPE[m.type];
  else throw new TypeError(`unknown map type ${m.type}`);
  const inner = m.inner ?? m.innerMap;
  // dev_map_init_map() adds BPF_F_RDONLY_PROG: programs read devmap entries but never write them.
  const readOnly = type === MapType.devmap || type === MapType.devmap_hash ? BPF_F_RDONLY_PROG : 0;
  return {
    type,
    keySize: m.keySize,
    valueSize: m.valueSize,
    maxEntries: m.maxEntries,
    flags: (m.flags ?? 0) | readOnly,
    name: m.name,
    inner: inner ? normalizeMap(inner) : undefined,
    frozenValue: m.frozenValue,
    spinLockOffset: m.spinLockOffset,
    hasBtf: m.hasBtf ?? m.spinLockOffset !== undefined,
  };
}

export const isMapOfMaps = (m: VerifierMap): boolean =>
  m.type === MapType.array_of_maps || m.type === MapType.hash_of_maps;

/**
 * bpf_map_is_rdonly + map_direct_value_addr + bpf_map_direct_read: the
 * constant a program reads from a frozen read-only array at `off`, or null
 * when the map's contents are not known constants.
 */
export function frozenMapRead(map: VerifierMap, off: number, size: number, signExtend: boolean): bigint | null {
  const v = map.frozenValue;
  if (!v || !(map.flags & BPF_F_RDONLY_PROG) || map.type !== MapType.array || map.maxEntries !== 1) return null;
  if (off < 0 || off + size > map.valueSize || ![1, 2, 4, 8].includes(size)) return null;
  let val = 0n;
  for (let i = size - 1; i >= 0; i--) val = (val << 8n) | BigInt(off + i < v.length ? v[off + i] : 0);
  if (signExtend && size < 8) val = BigInt.asUintN(64, BigInt.asIntN(size * 8, val));
  return val;
}
