import type { AttachKind } from './errors.js';

/** Link types (enum bpf_link_type), generated into src/uapi/. */
export { BpfLinkType, type BpfLinkTypeName } from '../../uapi/bpf-link-type.js';

/** The part of struct bpf_link_info every link has, and the attach kind it implies. */
export interface KernelLinkInfo {
  /** enum bpf_link_type. */
  readonly type: number;
  readonly id: number;
  readonly progId: number;
  /** 'other' for link types this layer does not create (tracing, iter, netns...). */
  readonly kind: AttachKind | 'other';
}
