import { cString } from '../bpf-attr.js';
import { perfEventOpen } from '../libc/perf-event.js';
import { BpfProgType } from '../uapi.js';
import { parseUprobeTarget, resolveBinaryPath, symbolFileOffset } from './elf-symbol-offset.js';
import type { KernelLink } from './kernel-link.js';
import { attachToPerfEvents } from './perf-link.js';
import { requireProbePmu } from './probe-pmu.js';
import { requireProgramType, type AttachableProgram } from './program-ref.js';

export interface UprobeOptions {
  /** A uretprobe: the program runs when the function returns. */
  readonly retprobe?: boolean;
  /** Only this process (default: every process that runs the binary). */
  readonly pid?: number;
  /** bpf_get_attach_cookie()'s value. */
  readonly cookie?: bigint;
}

/**
 * Attaches a BPF_PROG_TYPE_KPROBE program as a uprobe (or uretprobe) to a
 * function of an ELF executable or shared library. `target` is libbpf's
 * `binary:function[+offset]` or `binary:0xoffset`; the function's file offset
 * comes from the binary's symbol tables, and the uprobe PMU does the rest.
 */
export function attachUprobe(program: AttachableProgram, target: string, options: UprobeOptions = {}): KernelLink {
  const kind = options.retprobe ? 'uretprobe' : 'uprobe';
  requireProgramType(program, `a ${kind}`, BpfProgType.BPF_PROG_TYPE_KPROBE);
  const parsed = parseUprobeTarget(target, kind);
  const path = resolveBinaryPath(parsed.binary, kind);
  const offset = (parsed.symbol === undefined ? 0 : symbolFileOffset(path, parsed.symbol, kind)) + parsed.offset;
  const pmu = requireProbePmu('uprobe');
  const pid = options.pid ?? -1;
  const fd = perfEventOpen({
    type: pmu.type,
    config: options.retprobe ? 1n << BigInt(pmu.retprobeBit) : 0n,
    config1: cString(path),
    config2: BigInt(offset),
    samplePeriod: 1n,
    wakeupEvents: 1,
  }, pid, pid === -1 ? 0 : -1, `${kind} ${path}+0x${offset.toString(16)}`);
  return attachToPerfEvents(program, [fd], kind, `${path}:${parsed.symbol ?? ''}+0x${offset.toString(16)}`, options.cookie);
}
