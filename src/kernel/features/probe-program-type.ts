import { BPF_EXIT, BPF_JMP } from '../../isa/opcodes.js';
import type { Instruction } from '../../isa/instruction.js';
import { EINVAL, EPERM } from '../errno.js';
import { KernelError } from '../errors.js';
import { loadProgram, progTypeNumber } from '../prog-load.js';
import { sysClose } from '../syscall.js';
import { BPF_F_SLEEPABLE, BpfAttachType, type BpfProgTypeName } from '../uapi.js';

/** `r0 = 0; exit`. */
export const RETURN_ZERO: readonly Instruction[] = [
  { opcode: 0xb7, dst: 0, src: 0, off: 0, imm: 0 },
  { opcode: BPF_JMP | BPF_EXIT, dst: 0, src: 0, off: 0, imm: 0 },
];

/** What BPF_PROG_LOAD needs besides the type for a probe program to pass the load-time checks. */
export interface ProbeLoadExtras {
  readonly expectedAttachType?: number;
  readonly flags?: number;
  /** Types that need a BTF target: probed with attach_btf_id 1, which the kernel refuses with a log when it knows the type. */
  readonly attachBtfId?: number;
}

const EXTRAS: Partial<Record<BpfProgTypeName, ProbeLoadExtras>> = {
  BPF_PROG_TYPE_CGROUP_SOCK_ADDR: { expectedAttachType: BpfAttachType.BPF_CGROUP_INET4_CONNECT },
  BPF_PROG_TYPE_SK_LOOKUP: { expectedAttachType: BpfAttachType.BPF_SK_LOOKUP },
  BPF_PROG_TYPE_CGROUP_SOCKOPT: { expectedAttachType: BpfAttachType.BPF_CGROUP_GETSOCKOPT },
  BPF_PROG_TYPE_NETFILTER: { expectedAttachType: BpfAttachType.BPF_NETFILTER },
  BPF_PROG_TYPE_SYSCALL: { flags: BPF_F_SLEEPABLE },
  BPF_PROG_TYPE_TRACING: { expectedAttachType: BpfAttachType.BPF_TRACE_FENTRY, attachBtfId: 1 },
  BPF_PROG_TYPE_LSM: { expectedAttachType: BpfAttachType.BPF_LSM_MAC, attachBtfId: 1 },
  BPF_PROG_TYPE_EXT: { attachBtfId: 1 },
  BPF_PROG_TYPE_STRUCT_OPS: { attachBtfId: 1 },
};

export function probeExtras(type: BpfProgTypeName): ProbeLoadExtras {
  return EXTRAS[type] ?? {};
}

/** The outcome of one probe load: loaded, or refused with the errno and the verifier's log. */
export type ProbeLoad = { ok: true } | { ok: false; errno: number; log: string };

/** Loads `insns` as a program of `type` (with the probe extras) and closes it at once. */
export function probeLoad(type: BpfProgTypeName, insns: readonly Instruction[]): ProbeLoad {
  const extras = probeExtras(type);
  try {
    const { fd } = loadProgram({
      type: progTypeNumber(type), insns, name: 'tsbpf_probe', logLevel: 1, logSize: 1 << 16,
      expectedAttachType: extras.expectedAttachType, flags: extras.flags, attachBtfId: extras.attachBtfId,
    });
    sysClose(fd);
    return { ok: true };
  } catch (err) {
    if (!(err instanceof KernelError)) throw err;
    const log = 'log' in err && typeof err.log === 'string' ? err.log : '';
    return { ok: false, errno: err.errno, log };
  }
}

/**
 * Whether the kernel can load programs of type `type` (as bpftool's feature
 * probe): a trivial program loads, or is refused by checks that only run for
 * a known type (a verifier log, or ENOTSUPP for struct_ops). An unknown type
 * is EINVAL with no log; a type the kernel knows but refuses to load for
 * anyone (tracing without BPF trampolines, LSM without the bpf LSM) is EPERM.
 * Call it with bpf() available (kernelAvailable()), or EPERM means nothing.
 */
export function probeProgramType(type: BpfProgTypeName): boolean {
  const result = probeLoad(type, RETURN_ZERO);
  if (result.ok) return true;
  return result.log.trim() !== '' || (result.errno !== EINVAL && result.errno !== EPERM);
}
