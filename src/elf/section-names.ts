import { BpfAttachType, type BpfAttachTypeName } from '../uapi/bpf-attach-type.js';
import { BpfProgType, type BpfProgTypeName } from '../uapi/bpf-prog-type.js';

/**
 * One row of libbpf's section-name table (section_defs in libbpf.c): a
 * section name, or a prefix, and the program type and expected attach type
 * it implies. Matching follows libbpf:
 * - `name+`: the section is exactly `name`, or `name/<extra>`;
 * - `name/`: the section starts with `name/`;
 * - otherwise the section is exactly `name`.
 */
export interface SectionDef {
  readonly pattern: string;
  readonly progType: BpfProgTypeName;
  /** null where libbpf passes 0 (no expected attach type). */
  readonly attachType: BpfAttachTypeName | null;
  /** SEC_ATTACHABLE / SEC_ATTACHABLE_OPT: the attach type is passed at load. */
  readonly attachable: boolean;
  /** SEC_ATTACH_BTF: the target (after the `/`) is a BTF function or tracepoint. */
  readonly attachBtf: boolean;
  /** SEC_SLEEPABLE: loaded with BPF_F_SLEEPABLE. */
  readonly sleepable: boolean;
  /** SEC_XDP_FRAGS: loaded with BPF_F_XDP_HAS_FRAGS. */
  readonly xdpFrags: boolean;
  readonly usdt: boolean;
}

type Flag = 'attachable' | 'attachBtf' | 'sleepable' | 'xdpFrags' | 'usdt';

function def(pattern: string, prog: string, attach: BpfAttachTypeName | null, ...flags: Flag[]): SectionDef {
  return {
    pattern,
    progType: `BPF_PROG_TYPE_${prog}` as BpfProgTypeName,
    attachType: attach,
    attachable: flags.includes('attachable'),
    attachBtf: flags.includes('attachBtf'),
    sleepable: flags.includes('sleepable'),
    xdpFrags: flags.includes('xdpFrags'),
    usdt: flags.includes('usdt'),
  };
}

/** libbpf's table, in libbpf's order (the first match wins). */
export const SECTION_DEFS: readonly SectionDef[] = [
  def('socket', 'SOCKET_FILTER', null),
  def('sk_reuseport/migrate', 'SK_REUSEPORT', 'BPF_SK_REUSEPORT_SELECT_OR_MIGRATE', 'attachable'),
  def('sk_reuseport', 'SK_REUSEPORT', 'BPF_SK_REUSEPORT_SELECT', 'attachable'),
  def('kprobe+', 'KPROBE', null),
  def('uprobe+', 'KPROBE', null),
  def('uprobe.s+', 'KPROBE', null, 'sleepable'),
  def('kretprobe+', 'KPROBE', null),
  def('uretprobe+', 'KPROBE', null),
  def('uretprobe.s+', 'KPROBE', null, 'sleepable'),
  def('kprobe.multi+', 'KPROBE', 'BPF_TRACE_KPROBE_MULTI'),
  def('kretprobe.multi+', 'KPROBE', 'BPF_TRACE_KPROBE_MULTI'),
  def('kprobe.session+', 'KPROBE', 'BPF_TRACE_KPROBE_SESSION'),
  def('uprobe.multi+', 'KPROBE', 'BPF_TRACE_UPROBE_MULTI'),
  def('uretprobe.multi+', 'KPROBE', 'BPF_TRACE_UPROBE_MULTI'),
  def('uprobe.multi.s+', 'KPROBE', 'BPF_TRACE_UPROBE_MULTI', 'sleepable'),
  def('uretprobe.multi.s+', 'KPROBE', 'BPF_TRACE_UPROBE_MULTI', 'sleepable'),
  def('uprobe.session+', 'KPROBE', 'BPF_TRACE_UPROBE_SESSION'),
  def('uprobe.session.s+', 'KPROBE', 'BPF_TRACE_UPROBE_SESSION', 'sleepable'),
  def('ksyscall+', 'KPROBE', null),
  def('kretsyscall+', 'KPROBE', null),
  def('usdt+', 'KPROBE', null, 'usdt'),
  def('usdt.s+', 'KPROBE', null, 'usdt', 'sleepable'),
  def('tc/ingress', 'SCHED_CLS', 'BPF_TCX_INGRESS'),
  def('tc/egress', 'SCHED_CLS', 'BPF_TCX_EGRESS'),
  def('tcx/ingress', 'SCHED_CLS', 'BPF_TCX_INGRESS'),
  def('tcx/egress', 'SCHED_CLS', 'BPF_TCX_EGRESS'),
  def('tc', 'SCHED_CLS', null),
  def('classifier', 'SCHED_CLS', null),
  def('action', 'SCHED_ACT', null),
  def('netkit/primary', 'SCHED_CLS', 'BPF_NETKIT_PRIMARY'),
  def('netkit/peer', 'SCHED_CLS', 'BPF_NETKIT_PEER'),
  def('tracepoint+', 'TRACEPOINT', null),
  def('tp+', 'TRACEPOINT', null),
  def('raw_tracepoint+', 'RAW_TRACEPOINT', null),
  def('raw_tp+', 'RAW_TRACEPOINT', null),
  def('raw_tracepoint.w+', 'RAW_TRACEPOINT_WRITABLE', null),
  def('raw_tp.w+', 'RAW_TRACEPOINT_WRITABLE', null),
  def('tp_btf+', 'TRACING', 'BPF_TRACE_RAW_TP', 'attachBtf'),
  def('fentry+', 'TRACING', 'BPF_TRACE_FENTRY', 'attachBtf'),
  def('fmod_ret+', 'TRACING', 'BPF_MODIFY_RETURN', 'attachBtf'),
  def('fexit+', 'TRACING', 'BPF_TRACE_FEXIT', 'attachBtf'),
  def('fentry.s+', 'TRACING', 'BPF_TRACE_FENTRY', 'attachBtf', 'sleepable'),
  def('fmod_ret.s+', 'TRACING', 'BPF_MODIFY_RETURN', 'attachBtf', 'sleepable'),
  def('fexit.s+', 'TRACING', 'BPF_TRACE_FEXIT', 'attachBtf', 'sleepable'),
  def('freplace+', 'EXT', null, 'attachBtf'),
  def('lsm+', 'LSM', 'BPF_LSM_MAC', 'attachBtf'),
  def('lsm.s+', 'LSM', 'BPF_LSM_MAC', 'attachBtf', 'sleepable'),
  def('lsm_cgroup+', 'LSM', 'BPF_LSM_CGROUP', 'attachBtf'),
  def('iter+', 'TRACING', 'BPF_TRACE_ITER', 'attachBtf'),
  def('iter.s+', 'TRACING', 'BPF_TRACE_ITER', 'attachBtf', 'sleepable'),
  def('syscall', 'SYSCALL', null, 'sleepable'),
  def('xdp.frags/devmap', 'XDP', 'BPF_XDP_DEVMAP', 'xdpFrags', 'attachable'),
  def('xdp/devmap', 'XDP', 'BPF_XDP_DEVMAP', 'attachable'),
  def('xdp.frags/cpumap', 'XDP', 'BPF_XDP_CPUMAP', 'xdpFrags', 'attachable'),
  def('xdp/cpumap', 'XDP', 'BPF_XDP_CPUMAP', 'attachable'),
  def('xdp.frags', 'XDP', 'BPF_XDP', 'xdpFrags', 'attachable'),
  def('xdp', 'XDP', 'BPF_XDP', 'attachable'),
  def('perf_event', 'PERF_EVENT', null),
  def('lwt_in', 'LWT_IN', null),
  def('lwt_out', 'LWT_OUT', null),
  def('lwt_xmit', 'LWT_XMIT', null),
  def('lwt_seg6local', 'LWT_SEG6LOCAL', null),
  def('sockops', 'SOCK_OPS', 'BPF_CGROUP_SOCK_OPS', 'attachable'),
  def('sk_skb/stream_parser', 'SK_SKB', 'BPF_SK_SKB_STREAM_PARSER', 'attachable'),
  def('sk_skb/stream_verdict', 'SK_SKB', 'BPF_SK_SKB_STREAM_VERDICT', 'attachable'),
  def('sk_skb', 'SK_SKB', null),
  def('sk_msg', 'SK_MSG', 'BPF_SK_MSG_VERDICT', 'attachable'),
  def('lirc_mode2', 'LIRC_MODE2', 'BPF_LIRC_MODE2', 'attachable'),
  def('flow_dissector', 'FLOW_DISSECTOR', 'BPF_FLOW_DISSECTOR', 'attachable'),
  def('cgroup_skb/ingress', 'CGROUP_SKB', 'BPF_CGROUP_INET_INGRESS', 'attachable'),
  def('cgroup_skb/egress', 'CGROUP_SKB', 'BPF_CGROUP_INET_EGRESS', 'attachable'),
  def('cgroup/skb', 'CGROUP_SKB', null),
  def('cgroup/sock_create', 'CGROUP_SOCK', 'BPF_CGROUP_INET_SOCK_CREATE', 'attachable'),
  def('cgroup/sock_release', 'CGROUP_SOCK', 'BPF_CGROUP_INET_SOCK_RELEASE', 'attachable'),
  def('cgroup/sock', 'CGROUP_SOCK', 'BPF_CGROUP_INET_SOCK_CREATE', 'attachable'),
  def('cgroup/post_bind4', 'CGROUP_SOCK', 'BPF_CGROUP_INET4_POST_BIND', 'attachable'),
  def('cgroup/post_bind6', 'CGROUP_SOCK', 'BPF_CGROUP_INET6_POST_BIND', 'attachable'),
  def('cgroup/bind4', 'CGROUP_SOCK_ADDR', 'BPF_CGROUP_INET4_BIND', 'attachable'),
  def('cgroup/bind6', 'CGROUP_SOCK_ADDR', 'BPF_CGROUP_INET6_BIND', 'attachable'),
  def('cgroup/connect4', 'CGROUP_SOCK_ADDR', 'BPF_CGROUP_INET4_CONNECT', 'attachable'),
  def('cgroup/connect6', 'CGROUP_SOCK_ADDR', 'BPF_CGROUP_INET6_CONNECT', 'attachable'),
  def('cgroup/connect_unix', 'CGROUP_SOCK_ADDR', 'BPF_CGROUP_UNIX_CONNECT', 'attachable'),
  def('cgroup/sendmsg4', 'CGROUP_SOCK_ADDR', 'BPF_CGROUP_UDP4_SENDMSG', 'attachable'),
  def('cgroup/sendmsg6', 'CGROUP_SOCK_ADDR', 'BPF_CGROUP_UDP6_SENDMSG', 'attachable'),
  def('cgroup/sendmsg_unix', 'CGROUP_SOCK_ADDR', 'BPF_CGROUP_UNIX_SENDMSG', 'attachable'),
  def('cgroup/recvmsg4', 'CGROUP_SOCK_ADDR', 'BPF_CGROUP_UDP4_RECVMSG', 'attachable'),
  def('cgroup/recvmsg6', 'CGROUP_SOCK_ADDR', 'BPF_CGROUP_UDP6_RECVMSG', 'attachable'),
  def('cgroup/recvmsg_unix', 'CGROUP_SOCK_ADDR', 'BPF_CGROUP_UNIX_RECVMSG', 'attachable'),
  def('cgroup/getpeername4', 'CGROUP_SOCK_ADDR', 'BPF_CGROUP_INET4_GETPEERNAME', 'attachable'),
  def('cgroup/getpeername6', 'CGROUP_SOCK_ADDR', 'BPF_CGROUP_INET6_GETPEERNAME', 'attachable'),
  def('cgroup/getpeername_unix', 'CGROUP_SOCK_ADDR', 'BPF_CGROUP_UNIX_GETPEERNAME', 'attachable'),
  def('cgroup/getsockname4', 'CGROUP_SOCK_ADDR', 'BPF_CGROUP_INET4_GETSOCKNAME', 'attachable'),
  def('cgroup/getsockname6', 'CGROUP_SOCK_ADDR', 'BPF_CGROUP_INET6_GETSOCKNAME', 'attachable'),
  def('cgroup/getsockname_unix', 'CGROUP_SOCK_ADDR', 'BPF_CGROUP_UNIX_GETSOCKNAME', 'attachable'),
  def('cgroup/sysctl', 'CGROUP_SYSCTL', 'BPF_CGROUP_SYSCTL', 'attachable'),
  def('cgroup/getsockopt', 'CGROUP_SOCKOPT', 'BPF_CGROUP_GETSOCKOPT', 'attachable'),
  def('cgroup/setsockopt', 'CGROUP_SOCKOPT', 'BPF_CGROUP_SETSOCKOPT', 'attachable'),
  def('cgroup/dev', 'CGROUP_DEVICE', 'BPF_CGROUP_DEVICE', 'attachable'),
  def('struct_ops+', 'STRUCT_OPS', null),
  def('struct_ops.s+', 'STRUCT_OPS', null, 'sleepable'),
  def('sk_lookup', 'SK_LOOKUP', 'BPF_SK_LOOKUP', 'attachable'),
  def('netfilter', 'NETFILTER', 'BPF_NETFILTER'),
];

/** The part of the pattern a section name must start with, and the matching rule. */
function matches(pattern: string, section: string): boolean {
  if (pattern.endsWith('/')) return section.startsWith(pattern);
  if (pattern.endsWith('+')) {
    const stem = pattern.slice(0, -1);
    return section === stem || section.startsWith(`${stem}/`);
  }
  return section === pattern;
}

/** What a program section name means, by libbpf's table. */
export interface SectionMeaning {
  readonly def: SectionDef;
  readonly progType: BpfProgTypeName;
  readonly progTypeId: number;
  readonly attachType: BpfAttachTypeName | null;
  readonly attachTypeId: number;
  /** What follows `<prefix>/` (e.g. the function of `kprobe/do_sys_open`), or ''. */
  readonly attachTo: string;
}

/** Looks a section name up in the table; undefined when libbpf would not know it. */
export function sectionMeaning(section: string): SectionMeaning | undefined {
  const found = SECTION_DEFS.find((d) => matches(d.pattern, section));
  if (found === undefined) return undefined;
  const stem = found.pattern.replace(/[+/]$/, '');
  const rest = section.slice(stem.length);
  return {
    def: found,
    progType: found.progType,
    progTypeId: BpfProgType[found.progType],
    attachType: found.attachType,
    attachTypeId: found.attachType === null ? 0 : BpfAttachType[found.attachType],
    attachTo: rest.startsWith('/') ? rest.slice(1) : rest,
  };
}
