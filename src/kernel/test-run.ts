import { BpfAttr } from './bpf-attr.js';
import { sysBpf } from './syscall.js';
import { BpfCmd } from './uapi.js';

/** The fields of BPF_PROG_TEST_RUN (union bpf_attr, test part). */
export interface TestRunOptions {
  /** Packet (or other data) the program sees; absent for programs that take only a ctx. */
  readonly dataIn?: Uint8Array;
  /** Room for data_out; default data_in's length plus 512 (XDP may grow the packet). 0: ask for none. */
  readonly dataOutSize?: number;
  /** The context (e.g. struct __sk_buff, struct xdp_md, or a syscall program's argument memory). */
  readonly ctxIn?: Uint8Array;
  /** Room for ctx_out; default: none (0). */
  readonly ctxOutSize?: number;
  /** Runs in one call; duration is their average. Default 1. */
  readonly repeat?: number;
  /** BPF_F_TEST_RUN_ON_CPU, BPF_F_TEST_XDP_LIVE_FRAMES... */
  readonly flags?: number;
  readonly cpu?: number;
  readonly batchSize?: number;
}

export interface TestRunResult {
  /** The program's return value: the kernel reports only the low 32 bits of r0. */
  readonly retval: number;
  /** Average run time in nanoseconds, as the kernel measured it (0 for program types that do not time). */
  readonly durationNs: number;
  /** data_out, cut to the size the kernel reported. */
  readonly dataOut?: Uint8Array;
  /** ctx_out, cut to the size the kernel reported. */
  readonly ctxOut?: Uint8Array;
  /**
   * The ctx_in buffer after the run: BPF_PROG_TYPE_SYSCALL programs take no
   * ctx_out and instead have their context copied back over ctx_in.
   */
  readonly ctxInAfter?: Uint8Array;
}

/** BPF_PROG_TEST_RUN (alias BPF_PROG_RUN) of the program behind `progFd`. */
export function testRun(progFd: number, options: TestRunOptions): TestRunResult {
  const dataIn = options.dataIn;
  const dataOutSize = options.dataOutSize ?? (dataIn ? dataIn.length + 512 : 0);
  const dataOut = dataOutSize > 0 ? new Uint8Array(dataOutSize) : undefined;
  const ctxIn = options.ctxIn ? options.ctxIn.slice() : undefined;
  const ctxOut = options.ctxOutSize ? new Uint8Array(options.ctxOutSize) : undefined;
  const attr = new BpfAttr()
    .u32(0, progFd)
    .u32(8, dataIn?.length ?? 0)
    .u32(12, dataOut?.length ?? 0)
    .pointer(16, dataIn)
    .pointer(24, dataOut)
    .u32(32, options.repeat ?? 0)
    .u32(40, ctxIn?.length ?? 0)
    .u32(44, ctxOut?.length ?? 0)
    .pointer(48, ctxIn)
    .pointer(56, ctxOut)
    .u32(64, options.flags ?? 0)
    .u32(68, options.cpu ?? 0)
    .u32(72, options.batchSize ?? 0);
  sysBpf(BpfCmd.BPF_PROG_TEST_RUN, attr);
  return {
    retval: attr.readU32(4),
    durationNs: attr.readU32(36),
    dataOut: dataOut?.subarray(0, Math.min(dataOut.length, attr.readU32(12))),
    ctxOut: ctxOut?.subarray(0, Math.min(ctxOut.length, attr.readU32(44))),
    ctxInAfter: ctxIn,
  };
}
