/** BPF_MAX_VAR_OFF: pointer offsets at or beyond this are refused outright. */
export const BPF_MAX_VAR_OFF = 1 << 29;
