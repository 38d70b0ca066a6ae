// struct pt_regs of x86_64 as the uapi names its fields
// (arch/x86/include/uapi/asm/ptrace.h; the kernel's own names drop the r: di,
// si, ax...), the context of kprobe and uprobe programs, and struct
// bpf_perf_event_data built on it.

export const PT_REGS = {
  r15: 0, r14: 8, r13: 16, r12: 24, rbp: 32, rbx: 40, r11: 48, r10: 56,
  r9: 64, r8: 72, rax: 80, rcx: 88, rdx: 96, rsi: 104, rdi: 112, orig_rax: 120,
  rip: 128, cs: 136, eflags: 144, rsp: 152, ss: 160,
} as const;

export const PT_REGS_SIZE = 168;

export type PtRegName = keyof typeof PT_REGS;

/** Registers of the x86_64 calling convention's first six arguments (PT_REGS_PARM1..6). */
export const PT_REGS_PARMS: readonly PtRegName[] = ['rdi', 'rsi', 'rdx', 'rcx', 'r8', 'r9'];
/** The return value register (PT_REGS_RC). */
export const PT_REGS_RC: PtRegName = 'rax';

/** struct bpf_perf_event_data { bpf_user_pt_regs_t regs; __u64 sample_period; __u64 addr; }. */
export const PERF_EVENT_DATA = { regs: 0, sample_period: 168, addr: 176 } as const;
export const PERF_EVENT_DATA_SIZE = 184;

/** Bytes of a struct pt_regs with the given registers (others 0). */
export function ptRegs(values: Partial<Record<PtRegName, bigint>>): Uint8Array {
  const out = new Uint8Array(PT_REGS_SIZE);
  const view = new DataView(out.buffer);
  for (const [name, value] of Object.entries(values) as Array<[PtRegName, bigint]>) {
    view.setBigUint64(PT_REGS[name], BigInt.asUintN(64, value), true);
  }
  return out;
}

/** A pt_regs whose argument registers hold `args` (PT_REGS_PARM1.. = args[0]..), plus any other registers given. */
export function ptRegsForCall(args: readonly bigint[], extra: Partial<Record<PtRegName, bigint>> = {}): Uint8Array {
  if (args.length > PT_REGS_PARMS.length) throw new RangeError(`x86_64 passes at most ${PT_REGS_PARMS.length} arguments in registers`);
  const values: Partial<Record<PtRegName, bigint>> = { ...extra };
  args.forEach((a, i) => { values[PT_REGS_PARMS[i]] = a; });
  return ptRegs(values);
}
