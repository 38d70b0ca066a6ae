import { existsSync } from 'node:fs';
import { readProbePmu } from '../attach/probe-pmu.js';
import { mountPointOf } from '../libc/mounts.js';
import { kernelAtLeast } from './kernel-version.js';

/** One attach mechanism: whether this kernel has it, and what the probe saw. */
export interface AttachFeature {
  readonly supported: boolean;
  readonly detail: string;
}

/** The attach mechanisms tsbpf uses, by name. */
export type AttachFeatureName =
  | 'tracefs' | 'kprobes' | 'uprobes' | 'perf_links' | 'raw_tracepoints' | 'xdp_links' | 'tcx' | 'clsact'
  | 'cgroup_v2' | 'cgroup_links' | 'bpffs' | 'socket_filters' | 'batch_ops';

/**
 * What this kernel offers for attaching programs: the dynamic PMUs and
 * mounts are looked at; features that only a kernel version provides (bpf
 * links per hook, tcx) are judged by the version, as their uapi appeared then.
 */
export function probeAttachFeatures(): Record<AttachFeatureName, AttachFeature> {
  const kprobe = readProbePmu('kprobe');
  const uprobe = readProbePmu('uprobe');
  const tracefs = mountPointOf('tracefs');
  const cgroup2 = mountPointOf('cgroup2');
  const bpffs = mountPointOf('bpf');
  const version = (major: number, minor: number, what: string): AttachFeature => ({
    supported: kernelAtLeast(major, minor), detail: `${what} (kernel ${major}.${minor}+)`,
  });
  return {
    tracefs: tracefs
      ? { supported: true, detail: `mounted at ${tracefs}` }
      : { supported: existsSync('/sys/kernel/tracing'), detail: 'not mounted; tsbpf mounts it at /sys/kernel/tracing when a tracepoint is attached' },
    kprobes: kprobe
      ? { supported: true, detail: `kprobe PMU type ${kprobe.type}` }
      : { supported: false, detail: 'no kprobe PMU: kernel built without CONFIG_KPROBES / CONFIG_KPROBE_EVENTS' },
    uprobes: uprobe
      ? { supported: true, detail: `uprobe PMU type ${uprobe.type}` }
      : { supported: false, detail: 'no uprobe PMU: kernel built without CONFIG_UPROBE_EVENTS' },
    perf_links: version(5, 15, 'BPF_LINK_CREATE with BPF_PERF_EVENT; older kernels use PERF_EVENT_IOC_SET_BPF'),
    raw_tracepoints: version(4, 17, 'BPF_RAW_TRACEPOINT_OPEN'),
    xdp_links: version(5, 9, 'BPF_LINK_CREATE with BPF_XDP'),
    tcx: version(6, 6, 'BPF_TCX_INGRESS / BPF_TCX_EGRESS links; older kernels use clsact'),
    clsact: version(4, 5, 'cls_bpf direct-action filters on the clsact qdisc'),
    cgroup_v2: cgroup2 ? { supported: true, detail: `mounted at ${cgroup2}` } : { supported: false, detail: 'no cgroup2 mount' },
    cgroup_links: version(5, 7, 'BPF_LINK_CREATE on a cgroup fd'),
    bpffs: bpffs ? { supported: true, detail: `mounted at ${bpffs}` } : { supported: existsSync('/sys/fs/bpf'), detail: 'not mounted; tsbpf mounts it at /sys/fs/bpf when pinning' },
    socket_filters: version(4, 4, 'SO_ATTACH_BPF'),
    batch_ops: version(5, 6, 'BPF_MAP_LOOKUP_BATCH and friends'),
  };
}
