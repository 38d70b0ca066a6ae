import { BPF_FUNC } from '../helpers/ids.js';

/** Helper ids by the kernel's names (enum bpf_func_id), plus the largest known id. */
export const FuncIds = {
  ...BPF_FUNC,
  /** __BPF_FUNC_MAX_ID - 1 of the reference kernel (6.18). */
  MAX_ID: 211,
} as const;
