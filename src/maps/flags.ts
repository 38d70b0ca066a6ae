// Flag values of include/uapi/linux/bpf.h used by maps and map helpers (src/uapi/flags.ts, generated).
import { BPF_F_LOCK, BPF_F_RDONLY, BPF_F_RDONLY_PROG, BPF_F_WRONLY, BPF_F_WRONLY_PROG } from '../uapi/flags.js';

export {
  BPF_ANY, BPF_NOEXIST, BPF_EXIST, BPF_F_LOCK,
  BPF_F_NO_PREALLOC, BPF_F_NO_COMMON_LRU, BPF_F_NUMA_NODE, BPF_F_RDONLY, BPF_F_WRONLY, BPF_F_STACK_BUILD_ID,
  BPF_F_ZERO_SEED, BPF_F_RDONLY_PROG, BPF_F_WRONLY_PROG, BPF_F_CLONE, BPF_F_MMAPABLE, BPF_F_PRESERVE_ELEMS,
  BPF_F_INNER_MAP,
  BPF_F_INDEX_MASK, BPF_F_CURRENT_CPU, BPF_F_CTXLEN_MASK,
  BPF_RB_NO_WAKEUP, BPF_RB_FORCE_WAKEUP, BPF_RB_AVAIL_DATA, BPF_RB_RING_SIZE, BPF_RB_CONS_POS, BPF_RB_PROD_POS,
  BPF_RINGBUF_BUSY_BIT, BPF_RINGBUF_DISCARD_BIT, BPF_RINGBUF_HDR_SZ,
} from '../uapi/flags.js';

/** The access flags every map type accepts (BPF_F_ACCESS_MASK, a kernel-internal define). */
export const BPF_F_ACCESS_MASK = BPF_F_RDONLY | BPF_F_RDONLY_PROG | BPF_F_WRONLY | BPF_F_WRONLY_PROG;

/**
 * An update's flags without BPF_F_LOCK, as the kernel's u64 compares them:
 * unsigned, so a flag in bit 31 (or a 64-bit flag, saturated to 0xffffffff)
 * is an unknown flag, not a negative number.
 */
export const updateFlagsWithoutLock = (flags: number): number => (flags & ~BPF_F_LOCK) >>> 0;
