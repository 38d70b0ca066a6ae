import type { BpfAttachTypeName, BpfProgTypeName } from '../uapi.js';
import { attachCgroup } from './cgroup.js';
import { AttachProgramError } from './errors.js';
import type { NetworkInterface } from './interfaces.js';
import type { KernelLink } from './kernel-link.js';
import { attachKprobe } from './kprobe.js';
import { attachPerfEvent } from './perf-event.js';
import type { AttachableProgram } from './program-ref.js';
import { attachRawTracepoint } from './raw-tracepoint.js';
import { attachSocketFilter } from './socket-filter.js';
import { attachTc } from './tc.js';
import { attachTracepoint } from './tracepoint.js';
import { attachUprobe } from './uprobe.js';
import { attachXdp } from './xdp.js';

/** What a section name says about where a program goes (a ProgramSpec has these fields). */
export interface SectionAttachSpec {
  readonly name: string;
  readonly section: string;
  readonly type: BpfProgTypeName;
  readonly attachType: BpfAttachTypeName | null;
  /** What follows `<prefix>/` in the section name. */
  readonly attachTo: string;
}

/** What a section name cannot say: the interface, cgroup, socket, process... */
export interface AttachOptions {
  /** Replaces the section's target (tracepoint `category/name`, kernel function, `binary:function`). */
  readonly target?: string;
  /** XDP and tc: the interface (name or index). */
  readonly interface?: NetworkInterface;
  /** tc sections without a direction (`tc`, `classifier`): default ingress. */
  readonly direction?: 'ingress' | 'egress';
  readonly xdpMode?: 'auto' | 'native' | 'generic' | 'offload';
  readonly tcMode?: 'auto' | 'tcx' | 'clsact';
  /** cgroup programs: the cgroup v2 directory (absolute, or relative to the cgroup2 mount). */
  readonly cgroup?: string;
  /** Socket filters: the socket's fd. */
  readonly socket?: number;
  /** uprobes and perf events: only this process. */
  readonly pid?: number;
  /** perf_event: samples per second per CPU (default 99), and which CPUs. */
  readonly frequency?: number;
  readonly cpus?: readonly number[];
  /** bpf_get_attach_cookie()'s value for tracing attachments. */
  readonly cookie?: bigint;
}

/** The arch-specific prefix of syscall entry functions, for ksyscall/ sections (as libbpf). */
function syscallPrefix(): string {
  return ({ x64: '__x64_sys_', arm64: '__arm64_sys_', s390x: '__s390x_sys_', riscv64: '__riscv_sys_' } as Record<string, string>)[process.arch] ?? '__se_sys_';
}

/**
 * Attaches a loaded program where its section name says, as libbpf's
 * bpf_program__attach: `tracepoint/<category>/<name>`, `raw_tp/<name>`,
 * `kprobe/<function>`, `uprobe/<binary>:<function>`, `perf_event`, `xdp`,
 * `tc/ingress`, `tcx/egress`, `socket`, `cgroup_skb/egress`, `cgroup/...`.
 * What the name cannot say (interface, cgroup, socket) comes from `options`;
 * a missing one throws AttachProgramError saying which.
 */
export function attachBySection(program: AttachableProgram, spec: SectionAttachSpec, options: AttachOptions = {}): KernelLink {
  const prefix = spec.section.split('/')[0];
  const target = options.target ?? spec.attachTo;
  const where = `${spec.name} (SEC("${spec.section}"))`;
  const need = (what: string, option: string): never => {
    throw new AttachProgramError(where, `needs ${what} to attach: pass { ${option} }`);
  };
  const requireTarget = (example: string): string => (target !== '' ? target : need('a target', `target: '${example}'`));
  switch (prefix) {
    case 'tracepoint':
    case 'tp':
      return attachTracepoint(program, requireTarget('syscalls/sys_enter_openat'), { cookie: options.cookie });
    case 'raw_tracepoint':
    case 'raw_tp':
    case 'raw_tracepoint.w':
    case 'raw_tp.w':
      return attachRawTracepoint(program, requireTarget('sys_enter'));
    case 'kprobe':
    case 'kretprobe':
      return attachKprobe(program, requireTarget('do_sys_openat2'), { retprobe: prefix === 'kretprobe', cookie: options.cookie });
    case 'ksyscall':
    case 'kretsyscall':
      return attachKprobe(program, `${syscallPrefix()}${requireTarget('openat')}`, { retprobe: prefix === 'kretsyscall', cookie: options.cookie });
    case 'uprobe':
    case 'uretprobe':
    case 'uprobe.s':
    case 'uretprobe.s':
      return attachUprobe(program, requireTarget('/usr/bin/bash:readline'), {
        retprobe: prefix.startsWith('uretprobe'), pid: options.pid, cookie: options.cookie,
      });
    case 'perf_event':
      return attachPerfEvent(program, { frequency: options.frequency, cpus: options.cpus, pid: options.pid, cookie: options.cookie });
    case 'xdp':
    case 'xdp.frags':
      return attachXdp(program, options.interface ?? need('an interface', "interface: 'eth0'"), { mode: options.xdpMode });
    case 'tc':
    case 'tcx':
    case 'classifier': {
      const direction = spec.attachType === 'BPF_TCX_EGRESS' ? 'egress' : spec.attachType === 'BPF_TCX_INGRESS' ? 'ingress' : options.direction ?? 'ingress';
      return attachTc(program, options.interface ?? need('an interface', "interface: 'eth0'"), direction, { mode: options.tcMode });
    }
    case 'socket':
      return attachSocketFilter(program, options.socket ?? need('a socket', 'socket: fd'));
    default:
      break;
  }
  if (prefix === 'cgroup' || prefix === 'cgroup_skb' || prefix === 'sockops') {
    if (spec.attachType === null) throw new AttachProgramError(where, 'the section does not name a cgroup attach type (use e.g. cgroup_skb/egress)');
    return attachCgroup(program, options.cgroup ?? need('a cgroup', "cgroup: '/sys/fs/cgroup/my.slice'"), spec.attachType);
  }
  throw new AttachProgramError(where, `tsbpf cannot attach ${spec.type} programs from SEC("${spec.section}") to a kernel hook`);
}
