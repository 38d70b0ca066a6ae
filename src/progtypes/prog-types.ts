import { BpfProgType } from '../uapi/bpf-prog-type.js';
import { shortEnum } from '../uapi/short-names.js';

const progTypes = shortEnum(BpfProgType, 'BPF_PROG_TYPE_');

/** enum bpf_prog_type: name (the kernel's, without prefix, lower case) to number. */
export const BPF_PROG_TYPE = progTypes.table;
export type ProgTypeName = keyof typeof BPF_PROG_TYPE;
/** The name of a number, or undefined when the kernel does not define it. */
export const progTypeNameOf = progTypes.nameOf;
/** True when `name` is one of the kernel's names in this enum. */
export const isProgTypeName = progTypes.isName;
