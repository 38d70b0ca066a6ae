import type { AttachKind } from './errors.js';

/** Link types (enum bpf_link_type in include/uapi/linux/bpf.h). */
export const BpfLinkType = {
  BPF_LINK_TYPE_UNSPEC: 0,
  BPF_LINK_TYPE_RAW_TRACEPOINT: 1,
  BPF_LINK_TYPE_TRACING: 2,
  BPF_LINK_TYPE_CGROUP: 3,
  BPF_LINK_TYPE_ITER: 4,
  BPF_LINK_TYPE_NETNS: 5,
  BPF_LINK_TYPE_XDP: 6,
  BPF_LINK_TYPE_PERF_EVENT: 7,
  BPF_LINK_TYPE_KPROBE_MULTI: 8,
  BPF_LINK_TYPE_STRUCT_OPS: 9,
  BPF_LINK_TYPE_NETFILTER: 10,
  BPF_LINK_TYPE_TCX: 11,
  BPF_LINK_TYPE_UPROBE_MULTI: 12,
  BPF_LINK_TYPE_NETKIT: 13,
  BPF_LINK_TYPE_SOCKMAP: 14,
} as const;
export type BpfLinkTypeName = keyof typeof BpfLinkType;

/** The part of struct bpf_link_info every link has, and the attach kind it implies. */
export interface KernelLinkInfo {
  /** enum bpf_link_type. */
  readonly type: number;
  readonly id: number;
  readonly progId: number;
  /** 'other' for link types this layer does not create (tracing, iter, netns...). */
  readonly kind: AttachKind | 'other';
}
