import { BPF_FUNC, type HelperName } from '../helpers/ids.js';
import type { ProgTypeName } from './prog-types.js';

// Which helpers each program type may call: the kernel's func_proto callbacks
// per type, roughly (a privileged loader: CAP_BPF + CAP_PERFMON), by name.
// Lists name kernel helpers whether or not tsbpf implements them; the helper
// table says which exist (a call must be both allowed and implemented).

/** bpf_base_func_proto(): every program type. */
const BASE: readonly HelperName[] = [
  'map_lookup_elem', 'map_update_elem', 'map_delete_elem', 'map_push_elem', 'map_pop_elem', 'map_peek_elem',
  'get_prandom_u32', 'get_smp_processor_id', 'get_numa_node_id', 'tail_call', 'ktime_get_ns', 'ktime_get_boot_ns',
  'ktime_get_tai_ns', 'ktime_get_coarse_ns', 'ringbuf_output', 'ringbuf_reserve', 'ringbuf_submit', 'ringbuf_discard',
  'ringbuf_query', 'for_each_map_elem', 'loop', 'strncmp', 'dynptr_from_mem', 'dynptr_read', 'dynptr_write',
  'dynptr_data', 'ringbuf_reserve_dynptr', 'ringbuf_submit_dynptr', 'ringbuf_discard_dynptr', 'user_ringbuf_drain',
  // bpf_capable()
  'spin_lock', 'spin_unlock', 'jiffies64', 'per_cpu_ptr', 'this_cpu_ptr', 'timer_init', 'timer_set_callback',
  'timer_start', 'timer_cancel', 'kptr_xchg',
  // perfmon_capable()
  'trace_printk', 'trace_vprintk', 'snprintf', 'snprintf_btf', 'probe_read_user', 'probe_read_user_str',
  'probe_read_kernel', 'probe_read_kernel_str', 'get_current_task', 'get_current_task_btf', 'task_pt_regs',
  'current_task_under_cgroup',
  // Newer kernels give every type these too (Linux 6.18 loads each in a socket filter and in XDP).
  'get_current_pid_tgid', 'get_ns_current_pid_tgid', 'get_current_uid_gid', 'get_current_comm',
  'get_current_cgroup_id', 'get_current_ancestor_cgroup_id', 'get_cgroup_classid', 'send_signal',
  'send_signal_thread', 'strtol', 'strtoul', 'get_branch_snapshot', 'get_task_stack', 'copy_from_user',
];

/** bpf_tracing_func_proto(): kprobe, tracepoint, perf_event, raw_tracepoint, tracing. */
const TRACING: readonly HelperName[] = [
  ...BASE,
  'get_current_pid_tgid', 'get_current_uid_gid', 'get_current_comm', 'perf_event_read', 'probe_write_user',
  'probe_read', 'probe_read_str', 'get_current_cgroup_id', 'get_current_ancestor_cgroup_id', 'send_signal',
  'send_signal_thread', 'perf_event_read_value', 'get_ns_current_pid_tgid', 'get_task_stack', 'copy_from_user',
  'task_storage_get', 'task_storage_delete', 'get_branch_snapshot', 'find_vma', 'map_lookup_percpu_elem',
];

/** bpf_sk_base_func_proto(): the networking types' base. */
const SK_BASE: readonly HelperName[] = [...BASE, 'map_lookup_percpu_elem', 'skc_to_tcp6_sock', 'skc_to_tcp_sock', 'skc_to_udp6_sock'];

/** sk_filter_func_proto(): socket filters (and the start of cgroup_skb). */
const SOCKET_FILTER: readonly HelperName[] = [
  ...SK_BASE, 'skb_load_bytes', 'skb_load_bytes_relative', 'get_socket_cookie', 'get_socket_uid', 'perf_event_output',
  'get_netns_cookie',
];

/** tc_cls_act_func_proto(): sched_cls and sched_act. */
const TC: readonly HelperName[] = [
  ...SK_BASE, 'skb_store_bytes', 'skb_load_bytes', 'skb_load_bytes_relative', 'skb_pull_data', 'csum_diff',
  'csum_update', 'csum_level', 'l3_csum_replace', 'l4_csum_replace', 'clone_redirect', 'get_cgroup_classid',
  'skb_vlan_push', 'skb_vlan_pop', 'skb_change_proto', 'skb_change_type', 'skb_adjust_room', 'skb_change_tail',
  'skb_change_head', 'skb_get_tunnel_key', 'skb_set_tunnel_key', 'skb_get_tunnel_opt', 'skb_set_tunnel_opt',
  'redirect', 'redirect_neigh', 'redirect_peer', 'get_route_realm', 'get_hash_recalc', 'set_hash_invalid',
  'set_hash', 'perf_event_output', 'skb_under_cgroup', 'get_socket_cookie', 'get_socket_uid', 'fib_lookup',
  'check_mtu', 'sk_fullsock', 'sk_storage_get', 'sk_storage_delete', 'skb_cgroup_classid', 'skb_cgroup_id',
  'skb_ancestor_cgroup_id', 'sk_lookup_tcp', 'sk_lookup_udp', 'sk_release', 'tcp_sock', 'get_listener_sock',
  'skc_lookup_tcp', 'tcp_check_syncookie', 'skb_ecn_set_ce', 'tcp_gen_syncookie', 'sk_assign', 'skb_set_tstamp',
];

/** xdp_func_proto(). */
const XDP: readonly HelperName[] = [
  ...SK_BASE, 'perf_event_output', 'csum_diff', 'xdp_adjust_head', 'xdp_adjust_meta', 'redirect', 'redirect_map',
  'xdp_adjust_tail', 'fib_lookup', 'check_mtu', 'xdp_get_buff_len', 'xdp_load_bytes', 'xdp_store_bytes',
  'sk_lookup_udp', 'sk_lookup_tcp', 'sk_release', 'skc_lookup_tcp', 'tcp_check_syncookie', 'tcp_gen_syncookie',
];

/** cg_skb_func_proto(). */
const CGROUP_SKB: readonly HelperName[] = [
  ...SOCKET_FILTER, 'get_local_storage', 'sk_fullsock', 'sk_storage_get', 'sk_storage_delete', 'skb_cgroup_classid',
  'skb_cgroup_id', 'skb_ancestor_cgroup_id', 'sk_cgroup_id', 'sk_ancestor_cgroup_id', 'sk_lookup_tcp', 'sk_lookup_udp',
  'sk_release', 'skc_lookup_tcp', 'tcp_sock', 'get_listener_sock', 'skb_ecn_set_ce',
];

/** lwt_out_func_proto() (lwt_in and lwt_xmit add to it). */
const LWT: readonly HelperName[] = [
  ...SK_BASE, 'skb_load_bytes', 'skb_pull_data', 'csum_diff', 'get_cgroup_classid', 'get_route_realm',
  'get_hash_recalc', 'perf_event_output', 'skb_under_cgroup',
];

const ALLOWED: Partial<Record<ProgTypeName, readonly HelperName[]>> = {
  socket_filter: SOCKET_FILTER,
  kprobe: [...TRACING, 'perf_event_output', 'get_stackid', 'get_stack', 'override_return', 'get_func_ip', 'get_attach_cookie'],
  sched_cls: TC,
  sched_act: TC,
  tracepoint: [...TRACING, 'perf_event_output', 'get_stackid', 'get_stack', 'get_attach_cookie'],
  xdp: XDP,
  perf_event: [...TRACING, 'perf_event_output', 'get_stackid', 'get_stack', 'perf_prog_read_value', 'read_branch_records', 'get_attach_cookie'],
  cgroup_skb: CGROUP_SKB,
  lwt_in: LWT,
  lwt_out: LWT,
  lwt_xmit: [...LWT, 'skb_store_bytes', 'csum_update', 'l3_csum_replace', 'l4_csum_replace', 'set_hash_invalid', 'skb_change_tail', 'skb_change_head', 'redirect', 'clone_redirect'],
  raw_tracepoint: [...TRACING, 'perf_event_output', 'get_stackid', 'get_stack', 'get_attach_cookie'],
  raw_tracepoint_writable: [...TRACING, 'perf_event_output', 'get_stackid', 'get_stack', 'get_attach_cookie'],
  tracing: [...TRACING, 'perf_event_output', 'get_stackid', 'get_stack', 'skb_output', 'xdp_output', 'get_func_ip', 'get_func_arg', 'get_func_ret', 'get_func_arg_cnt', 'get_attach_cookie'],
  syscall: [...BASE, 'sys_bpf', 'btf_find_by_name_kind', 'sys_close', 'kallsyms_lookup_name', 'copy_from_user', 'map_lookup_percpu_elem'],
};

const cache = new Map<ProgTypeName, ReadonlySet<number>>();

/** Helper ids a program type may call (empty for types without a description). */
export function allowedHelpers(type: ProgTypeName): ReadonlySet<number> {
  let set = cache.get(type);
  if (!set) {
    set = new Set((ALLOWED[type] ?? []).map((name) => BPF_FUNC[name]));
    cache.set(type, set);
  }
  return set;
}

/** True when programs of `type` may call helper `id`. */
export function helperAllowed(type: ProgTypeName, id: number): boolean {
  return allowedHelpers(type).has(id);
}

/** Program types with a helper list. */
export const DESCRIBED_PROG_TYPES: readonly ProgTypeName[] = Object.keys(ALLOWED) as ProgTypeName[];
