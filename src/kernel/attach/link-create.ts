import { BpfAttr } from '../bpf-attr.js';
import { sysBpf } from '../syscall.js';
import { BpfCmd } from '../uapi.js';

/** The fields of BPF_LINK_CREATE this layer sets (union bpf_attr, link_create part). */
export interface LinkCreateOptions {
  readonly progFd: number;
  /** target_fd (perf event, cgroup) or target_ifindex (XDP, tcx). */
  readonly target: number;
  /** enum bpf_attach_type. */
  readonly attachType: number;
  readonly flags?: number;
  /** perf_event.bpf_cookie (offset 16). */
  readonly cookie?: bigint;
  /** tcx and cgroup: relative_fd or relative_id (offset 16), and expected_revision (offset 24). */
  readonly relative?: number;
  readonly expectedRevision?: bigint;
}

/** BPF_LINK_CREATE: the new link's fd. */
export function linkCreate(options: LinkCreateOptions): number {
  const attr = new BpfAttr()
    .u32(0, options.progFd)
    .u32(4, options.target)
    .u32(8, options.attachType)
    .u32(12, options.flags ?? 0);
  if (options.cookie !== undefined) attr.u64(16, options.cookie);
  if (options.relative !== undefined) attr.u32(16, options.relative);
  if (options.expectedRevision !== undefined) attr.u64(24, options.expectedRevision);
  return sysBpf(BpfCmd.BPF_LINK_CREATE, attr);
}
