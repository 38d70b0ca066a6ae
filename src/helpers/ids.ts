import { BpfFuncId } from '../uapi/bpf-func-id.js';
import { shortEnum } from '../uapi/short-names.js';

const helpers = shortEnum(BpfFuncId, 'BPF_FUNC_');

/** enum bpf_func_id: helper name (the kernel's, without the BPF_FUNC_ prefix) to id. */
export const BPF_FUNC = helpers.table;
export type HelperName = keyof typeof BPF_FUNC;
/** The name of an id, or undefined when the kernel does not define it. */
export const helperNameOf = helpers.nameOf;
/** True when `name` is one of the kernel's helper names. */
export const isHelperName = helpers.isName;
