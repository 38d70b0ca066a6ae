import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SECTION_DEFS, sectionMeaning } from '../../src/elf/index.js';
import { BpfAttachType, BpfProgType } from '../../src/kernel/uapi.js';

const meaning = (section: string): [string, string | null, string] | undefined => {
  const m = sectionMeaning(section);
  return m === undefined ? undefined : [m.progType.replace('BPF_PROG_TYPE_', ''), m.attachType, m.attachTo];
};

test('libbpf section names map to program type, expected attach type and target', () => {
  const cases: Array<[string, [string, string | null, string] | undefined]> = [
    ['socket', ['SOCKET_FILTER', null, '']],
    ['xdp', ['XDP', 'BPF_XDP', '']],
    ['xdp.frags', ['XDP', 'BPF_XDP', '']],
    ['xdp/devmap', ['XDP', 'BPF_XDP_DEVMAP', '']],
    ['tc', ['SCHED_CLS', null, '']],
    ['classifier', ['SCHED_CLS', null, '']],
    ['tc/ingress', ['SCHED_CLS', 'BPF_TCX_INGRESS', '']],
    ['tcx/egress', ['SCHED_CLS', 'BPF_TCX_EGRESS', '']],
    ['action', ['SCHED_ACT', null, '']],
    ['kprobe/do_sys_open', ['KPROBE', null, 'do_sys_open']],
    ['kprobe', ['KPROBE', null, '']],
    ['kretprobe/tcp_v4_connect', ['KPROBE', null, 'tcp_v4_connect']],
    ['uprobe/./lib/db.js:query', ['KPROBE', null, './lib/db.js:query']],
    ['uretprobe.s//usr/bin/bash:readline', ['KPROBE', null, '/usr/bin/bash:readline']],
    ['kprobe.multi/tcp_*', ['KPROBE', 'BPF_TRACE_KPROBE_MULTI', 'tcp_*']],
    ['ksyscall/openat', ['KPROBE', null, 'openat']],
    ['usdt/./app:provider:probe', ['KPROBE', null, './app:provider:probe']],
    ['tracepoint/syscalls/sys_enter_openat', ['TRACEPOINT', null, 'syscalls/sys_enter_openat']],
    ['tp/node/http_server_request', ['TRACEPOINT', null, 'node/http_server_request']],
    ['raw_tp/sys_enter', ['RAW_TRACEPOINT', null, 'sys_enter']],
    ['raw_tracepoint.w/bpf_test_finish', ['RAW_TRACEPOINT_WRITABLE', null, 'bpf_test_finish']],
    ['tp_btf/sched_switch', ['TRACING', 'BPF_TRACE_RAW_TP', 'sched_switch']],
    ['fentry/tcp_sendmsg', ['TRACING', 'BPF_TRACE_FENTRY', 'tcp_sendmsg']],
    ['fexit.s/vfs_read', ['TRACING', 'BPF_TRACE_FEXIT', 'vfs_read']],
    ['fmod_ret/security_file_open', ['TRACING', 'BPF_MODIFY_RETURN', 'security_file_open']],
    ['freplace/handler', ['EXT', null, 'handler']],
    ['lsm/file_open', ['LSM', 'BPF_LSM_MAC', 'file_open']],
    ['iter/task', ['TRACING', 'BPF_TRACE_ITER', 'task']],
    ['perf_event', ['PERF_EVENT', null, '']],
    ['cgroup_skb/ingress', ['CGROUP_SKB', 'BPF_CGROUP_INET_INGRESS', '']],
    ['cgroup/skb', ['CGROUP_SKB', null, '']],
    ['cgroup/connect4', ['CGROUP_SOCK_ADDR', 'BPF_CGROUP_INET4_CONNECT', '']],
    ['cgroup/sock', ['CGROUP_SOCK', 'BPF_CGROUP_INET_SOCK_CREATE', '']],
    ['cgroup/sysctl', ['CGROUP_SYSCTL', 'BPF_CGROUP_SYSCTL', '']],
    ['cgroup/dev', ['CGROUP_DEVICE', 'BPF_CGROUP_DEVICE', '']],
    ['sockops', ['SOCK_OPS', 'BPF_CGROUP_SOCK_OPS', '']],
    ['sk_skb/stream_verdict', ['SK_SKB', 'BPF_SK_SKB_STREAM_VERDICT', '']],
    ['sk_msg', ['SK_MSG', 'BPF_SK_MSG_VERDICT', '']],
    ['sk_lookup', ['SK_LOOKUP', 'BPF_SK_LOOKUP', '']],
    ['flow_dissector', ['FLOW_DISSECTOR', 'BPF_FLOW_DISSECTOR', '']],
    ['lwt_xmit', ['LWT_XMIT', null, '']],
    ['struct_ops/tcp_init', ['STRUCT_OPS', null, 'tcp_init']],
    ['syscall', ['SYSCALL', null, '']],
    ['netfilter', ['NETFILTER', 'BPF_NETFILTER', '']],
    // Not libbpf names: `+` means exactly the stem or `stem/...`.
    ['kprobex', undefined],
    ['xdp_prog', undefined],
    ['socket1', undefined],
    ['tc/other', undefined],
    ['.text', undefined],
  ];
  for (const [section, want] of cases) assert.deepEqual(meaning(section), want, section);
});

test('sleepable and frags sections carry their load flags', () => {
  assert.equal(sectionMeaning('fentry.s/x')?.def.sleepable, true);
  assert.equal(sectionMeaning('fentry/x')?.def.sleepable, false);
  assert.equal(sectionMeaning('xdp.frags')?.def.xdpFrags, true);
  assert.equal(sectionMeaning('lsm/x')?.def.attachBtf, true);
});

test('every row names real kernel program and attach types', () => {
  assert.ok(SECTION_DEFS.length >= 100);
  for (const d of SECTION_DEFS) {
    assert.ok(d.progType in BpfProgType, d.pattern);
    if (d.attachType !== null) assert.ok(d.attachType in BpfAttachType, d.pattern);
  }
  const m = sectionMeaning('xdp');
  assert.deepEqual([m?.progTypeId, m?.attachTypeId], [6, 37]);
});
