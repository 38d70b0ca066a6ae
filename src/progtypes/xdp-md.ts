// struct xdp_md of include/uapi/linux/bpf.h: byte offsets of its u32 fields.

export const XDP_MD = {
  data: 0,
  data_end: 4,
  data_meta: 8,
  ingress_ifindex: 12,
  rx_queue_index: 16,
  egress_ifindex: 20,
} as const;

export const XDP_MD_SIZE = 24;

/** XDP_PACKET_HEADROOM: room before the packet, so that bpf_xdp_adjust_head can grow it. */
export const XDP_PACKET_HEADROOM = 256;
/** sizeof(struct xdp_frame) on x86_64: the front of the headroom adjust_head and adjust_meta may not enter. */
export const XDP_FRAME_STRUCT_SIZE = 40;
/** SKB_DATA_ALIGN(sizeof(struct skb_shared_info)) on x86_64: the tailroom XDP and skb buffers keep. */
export const SKB_SHARED_INFO_SIZE = 320;
/** frame_sz of a BPF_PROG_TEST_RUN XDP buffer (one page). */
export const XDP_TEST_FRAME_SIZE = 4096;
/** ETH_HLEN: the smallest packet adjust_head/adjust_tail leave. */
export const ETH_HLEN = 14;

/** XDP verdicts (enum xdp_action). */
export const XDP_ACTION = { XDP_ABORTED: 0, XDP_DROP: 1, XDP_PASS: 2, XDP_TX: 3, XDP_REDIRECT: 4 } as const;
