import { BpfMapType } from '../uapi/bpf-map-type.js';
import { shortEnum } from '../uapi/short-names.js';

const mapTypes = shortEnum(BpfMapType, 'BPF_MAP_TYPE_');

/** enum bpf_map_type: name (the kernel's, without prefix, lower case) to number. */
export const BPF_MAP_TYPE = mapTypes.table;
export type MapTypeName = keyof typeof BPF_MAP_TYPE;
/** The name of a number, or undefined when the kernel does not define it. */
export const mapTypeNameOf = mapTypes.nameOf;
/** True when `name` is one of the kernel's names in this enum. */
export const isMapTypeName = mapTypes.isName;
