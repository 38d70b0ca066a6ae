import type { KernelProgram } from '../program.js';
import { BPF_F_TEST_RUN_ON_CPU, BpfProgType } from '../uapi.js';
import { onCpu } from './cpu-affinity.js';

/** One test run of a program, the same for both backends. */
export interface ProgramTestRunOptions {
  /** Packet (or other data) for the program types that take one. */
  readonly dataIn?: Uint8Array;
  /** Context in (struct xdp_md, struct __sk_buff, raw tracepoint arguments, a syscall program's memory). */
  readonly ctxIn?: Uint8Array;
  /** Runs in a row; durationNs is their average. Default 1. */
  readonly repeat?: number;
  /** CPU the run happens on (which per-CPU map slots it touches). Default: whichever CPU runs the caller (the kernel) or 0 (the VM). */
  readonly cpu?: number;
  /** Room for data out; default data in's length plus 512 (XDP may grow the packet). */
  readonly dataOutSize?: number;
}

export interface ProgramTestRunResult {
  /** The program's return value: the low 32 bits of r0, unsigned (as BPF_PROG_TEST_RUN reports it). */
  readonly retval: number;
  /** Average nanoseconds per run. */
  readonly durationNs: number;
  /** The packet after the run (empty for program types without one). */
  readonly dataOut: Uint8Array;
  /** The context after the run, when one was given (a syscall program's memory as it left it). */
  readonly ctxOut?: Uint8Array;
}

/** Program types whose test run takes only a context and no repeat count (they run once per call). */
const CTX_ONLY = new Set<number>([
  BpfProgType.BPF_PROG_TYPE_RAW_TRACEPOINT, BpfProgType.BPF_PROG_TYPE_RAW_TRACEPOINT_WRITABLE,
  BpfProgType.BPF_PROG_TYPE_SYSCALL,
]);
/** Bytes of ctx out asked for: more than any context struct a test run copies out. */
const CTX_OUT_ROOM = 4096;
/** Of those, the ones that take BPF_F_TEST_RUN_ON_CPU. */
const RUN_ON_CPU = new Set<number>([BpfProgType.BPF_PROG_TYPE_RAW_TRACEPOINT, BpfProgType.BPF_PROG_TYPE_RAW_TRACEPOINT_WRITABLE]);

/**
 * BPF_PROG_TEST_RUN with the options both backends share, mapped onto what
 * the kernel accepts per program type: raw tracepoint and syscall programs
 * take no repeat count (they are run `repeat` times from here, timed around
 * the calls), raw tracepoints choose their CPU with BPF_F_TEST_RUN_ON_CPU, and
 * packet programs run on the CPU the calling thread is pinned to for the call.
 */
export function kernelTestRun(program: KernelProgram, options: ProgramTestRunOptions): ProgramTestRunResult {
  const repeat = Math.max(1, options.repeat ?? 1);
  if (CTX_ONLY.has(program.type)) {
    const onCpuFlag = options.cpu !== undefined && RUN_ON_CPU.has(program.type);
    const start = process.hrtime.bigint();
    const runAll = (): ReturnType<KernelProgram['testRun']> => {
      let last!: ReturnType<KernelProgram['testRun']>;
      for (let i = 0; i < repeat; i++) {
        last = program.testRun({
          // The kernel refuses data in for these types (EINVAL): passed on so that it says so.
          dataIn: options.dataIn,
          ctxIn: options.ctxIn,
          flags: onCpuFlag ? BPF_F_TEST_RUN_ON_CPU : 0,
          cpu: onCpuFlag ? options.cpu : 0,
          repeat: 0,
        });
      }
      return last;
    };
    // Syscall programs take no CPU flag: the calling thread is pinned instead.
    const result = options.cpu !== undefined && !onCpuFlag ? onCpu(options.cpu, runAll) : runAll();
    const elapsed = Number(process.hrtime.bigint() - start);
    const isSyscall = program.type === BpfProgType.BPF_PROG_TYPE_SYSCALL;
    return {
      retval: result.retval,
      durationNs: result.durationNs || Math.round(elapsed / repeat),
      dataOut: new Uint8Array(0),
      ...(isSyscall && options.ctxIn ? { ctxOut: result.ctxInAfter } : {}),
    };
  }
  const run = (): ProgramTestRunResult => {
    const r = program.testRun({
      dataIn: options.dataIn,
      dataOutSize: options.dataOutSize,
      ctxIn: options.ctxIn,
      // Room for the whole context out: a ctx_in shorter than the struct is taken, but a short ctx_out is ENOSPC.
      ctxOutSize: options.ctxIn ? Math.max(options.ctxIn.length, CTX_OUT_ROOM) : 0,
      repeat,
    });
    return {
      retval: r.retval,
      durationNs: r.durationNs,
      dataOut: r.dataOut ?? new Uint8Array(0),
      ...(options.ctxIn ? { ctxOut: r.ctxOut ?? new Uint8Array(0) } : {}),
    };
  };
  return options.cpu === undefined ? run() : onCpu(options.cpu, run);
}
