// Flag values of include/uapi/linux/bpf.h used by maps and map helpers.

/** Flags of BPF_MAP_UPDATE_ELEM and bpf_map_update_elem(). */
export const BPF_ANY = 0;
export const BPF_NOEXIST = 1;
export const BPF_EXIST = 2;
export const BPF_F_LOCK = 4;

/** Flags of BPF_MAP_CREATE (map_flags). */
export const BPF_F_NO_PREALLOC = 1 << 0;
export const BPF_F_NO_COMMON_LRU = 1 << 1;
export const BPF_F_NUMA_NODE = 1 << 2;
export const BPF_F_RDONLY = 1 << 3;
export const BPF_F_WRONLY = 1 << 4;
export const BPF_F_STACK_BUILD_ID = 1 << 5;
export const BPF_F_ZERO_SEED = 1 << 6;
export const BPF_F_RDONLY_PROG = 1 << 7;
export const BPF_F_WRONLY_PROG = 1 << 8;
export const BPF_F_CLONE = 1 << 9;
export const BPF_F_MMAPABLE = 1 << 10;
export const BPF_F_PRESERVE_ELEMS = 1 << 11;
export const BPF_F_INNER_MAP = 1 << 12;

/** The access flags every map type accepts (BPF_F_ACCESS_MASK). */
export const BPF_F_ACCESS_MASK = BPF_F_RDONLY | BPF_F_RDONLY_PROG | BPF_F_WRONLY | BPF_F_WRONLY_PROG;

/** bpf_perf_event_output() flags. */
export const BPF_F_INDEX_MASK = 0xffffffffn;
export const BPF_F_CURRENT_CPU = BPF_F_INDEX_MASK;
export const BPF_F_CTXLEN_MASK = 0xfffffn << 32n;

/** Ring buffer submit/output flags and bpf_ringbuf_query() selectors. */
export const BPF_RB_NO_WAKEUP = 1n << 0n;
export const BPF_RB_FORCE_WAKEUP = 1n << 1n;
export const BPF_RB_AVAIL_DATA = 0n;
export const BPF_RB_RING_SIZE = 1n;
export const BPF_RB_CONS_POS = 2n;
export const BPF_RB_PROD_POS = 3n;
/** Record header bits in the ring buffer (struct bpf_ringbuf_hdr.len). */
export const BPF_RINGBUF_BUSY_BIT = 1 << 31;
export const BPF_RINGBUF_DISCARD_BIT = 1 << 30;
export const BPF_RINGBUF_HDR_SZ = 8;
