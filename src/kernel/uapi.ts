// The uapi this layer speaks to bpf() with. Enums and flags are generated into
// src/uapi/ (scripts/gen-uapi-enums.ts); re-exported here under their old path.
export { BpfCmd, type BpfCmdName } from '../uapi/bpf-cmd.js';
export { BpfMapType, type BpfMapTypeName } from '../uapi/bpf-map-type.js';
export { BpfProgType, type BpfProgTypeName } from '../uapi/bpf-prog-type.js';
export { BpfAttachType, type BpfAttachTypeName } from '../uapi/bpf-attach-type.js';
export {
  BPF_F_NO_PREALLOC, BPF_F_NO_COMMON_LRU, BPF_F_NUMA_NODE, BPF_F_RDONLY, BPF_F_WRONLY, BPF_F_STACK_BUILD_ID,
  BPF_F_ZERO_SEED, BPF_F_RDONLY_PROG, BPF_F_WRONLY_PROG, BPF_F_CLONE, BPF_F_MMAPABLE, BPF_F_PRESERVE_ELEMS,
  BPF_F_INNER_MAP,
  BPF_ANY, BPF_NOEXIST, BPF_EXIST, BPF_F_LOCK,
  BPF_F_STRICT_ALIGNMENT, BPF_F_ANY_ALIGNMENT, BPF_F_TEST_RND_HI32, BPF_F_TEST_STATE_FREQ, BPF_F_SLEEPABLE,
  BPF_F_XDP_HAS_FRAGS,
  BPF_F_TEST_RUN_ON_CPU, BPF_F_TEST_XDP_LIVE_FRAMES, BPF_F_TEST_SKB_CHECKSUM_COMPLETE,
  BPF_OBJ_NAME_LEN,
} from '../uapi/flags.js';
export { enumName } from '../uapi/enum-lookup.js';

/** Size of union bpf_attr as this layer writes it (the 6.1 layout plus later prog_load fields). */
export const BPF_ATTR_SIZE = 160;
