import { encode } from '../isa/encoding.js';
import type { Instruction } from '../isa/instruction.js';
import { BpfAttr, cString } from './bpf-attr.js';
import { ENOSPC } from './errno.js';
import { KernelError, VerifierRejectedError } from './errors.js';
import { sysBpf } from './syscall.js';
import { BpfAttachType, BpfCmd, BpfProgType, type BpfAttachTypeName, type BpfProgTypeName } from './uapi.js';

/** Records of .BTF.ext (func_info, line_info) as the kernel takes them: record size, count and bytes. */
export interface BtfExtRecords {
  readonly recordSize: number;
  readonly count: number;
  readonly bytes: Uint8Array;
}

/** The fields of BPF_PROG_LOAD (union bpf_attr, prog load part). */
export interface ProgLoadOptions {
  readonly type: BpfProgTypeName | number;
  /** Instructions, or their encoding as struct bpf_insn bytes. */
  readonly insns: readonly Instruction[] | Uint8Array;
  /** Default `GPL`, so that GPL-only helpers are callable. */
  readonly license?: string;
  /**
   * Verifier log level: 0 asks for no log (on a rejection the load is retried
   * at level 1 to fetch the reason), 1 the failing path, 2 every instruction.
   */
  readonly logLevel?: number;
  /** Initial log buffer size; grown when the kernel says ENOSPC. Default 1 MiB. */
  readonly logSize?: number;
  /** BPF_F_SLEEPABLE, BPF_F_ANY_ALIGNMENT... */
  readonly flags?: number;
  readonly name?: string;
  readonly expectedAttachType?: BpfAttachTypeName | number;
  readonly kernVersion?: number;
  readonly ifindex?: number;
  readonly btfFd?: number;
  readonly funcInfo?: BtfExtRecords;
  readonly lineInfo?: BtfExtRecords;
  readonly attachBtfId?: number;
  readonly attachProgFd?: number;
  /** fds that instructions refer to by index (BPF_PSEUDO_MAP_IDX...). */
  readonly fdArray?: readonly number[];
}

/** The kernel's answer to a successful BPF_PROG_LOAD. */
export interface LoadedProgram {
  readonly fd: number;
  /** The verifier log when a log level was asked for, else ''. */
  readonly log: string;
}

const MAX_LOG_SIZE = 1 << 30; // the kernel's limit is UINT_MAX >> 2
/** Offset of log_true_size (kernel 6.4+): the buffer size the whole log needs. */
const LOG_TRUE_SIZE = 140;

export function progTypeNumber(type: BpfProgTypeName | number): number {
  return typeof type === 'number' ? type : BpfProgType[type];
}

function attachTypeNumber(type: BpfAttachTypeName | number | undefined): number {
  if (type === undefined) return 0;
  return typeof type === 'number' ? type : BpfAttachType[type];
}

/**
 * BPF_PROG_LOAD. A program the verifier refuses throws VerifierRejectedError
 * with the log; other refusals throw KernelError.
 */
export function loadProgram(options: ProgLoadOptions): LoadedProgram {
  const insns = options.insns instanceof Uint8Array ? options.insns : encode(options.insns);
  const level = options.logLevel ?? 0;
  if (level === 0) {
    try {
      return { fd: tryLoad(options, insns, 0, undefined).fd, log: '' };
    } catch (err) {
      if (!(err instanceof KernelError)) throw err;
      // Ask again with a log, to say why (as libbpf does).
      const retry = loadWithLog(options, insns, 1);
      if ('fd' in retry) return { fd: retry.fd, log: '' };
      if (retry.log.trim() === '') throw err;
      throw new VerifierRejectedError(retry.errno, retry.log, options.name);
    }
  }
  const result = loadWithLog(options, insns, level);
  if ('fd' in result) return result;
  if (result.log.trim() === '') throw new KernelError('BPF_PROG_LOAD', result.errno);
  throw new VerifierRejectedError(result.errno, result.log, options.name);
}

function loadWithLog(options: ProgLoadOptions, insns: Uint8Array, level: number): LoadedProgram | { errno: number; log: string } {
  let size = options.logSize ?? 1 << 20;
  for (;;) {
    const log = new Uint8Array(size);
    const attempt = tryLoad(options, insns, level, log);
    const text = decodeLog(log);
    if (attempt.fd >= 0) return { fd: attempt.fd, log: text };
    if (attempt.errno !== ENOSPC || size >= MAX_LOG_SIZE) return { errno: attempt.errno, log: text };
    size = Math.min(MAX_LOG_SIZE, Math.max(size * 4, attempt.trueSize));
  }
}

/** One BPF_PROG_LOAD; with a log buffer, failures are returned rather than thrown. */
function tryLoad(options: ProgLoadOptions, insns: Uint8Array, level: number, log: Uint8Array | undefined): { fd: number; errno: number; trueSize: number } {
  const fdArray = options.fdArray ? new Uint8Array(new Int32Array(options.fdArray).buffer) : undefined;
  const attr = new BpfAttr()
    .u32(0, progTypeNumber(options.type))
    .u32(4, insns.length / 8)
    .pointer(8, insns)
    .pointer(16, cString(options.license ?? 'GPL'))
    .u32(24, log ? level : 0)
    .u32(28, log ? log.length : 0)
    .pointer(32, log)
    .u32(40, options.kernVersion ?? 0)
    .u32(44, options.flags ?? 0)
    .name(48, options.name)
    .u32(64, options.ifindex ?? 0)
    .u32(68, attachTypeNumber(options.expectedAttachType))
    .u32(72, options.btfFd ?? 0)
    .u32(76, options.funcInfo?.recordSize ?? 0)
    .pointer(80, options.funcInfo?.bytes)
    .u32(88, options.funcInfo?.count ?? 0)
    .u32(92, options.lineInfo?.recordSize ?? 0)
    .pointer(96, options.lineInfo?.bytes)
    .u32(104, options.lineInfo?.count ?? 0)
    .u32(108, options.attachBtfId ?? 0)
    .u32(112, options.attachProgFd ?? 0)
    .pointer(120, fdArray);
  try {
    return { fd: sysBpf(BpfCmd.BPF_PROG_LOAD, attr, true), errno: 0, trueSize: 0 };
  } catch (err) {
    if (!log || !(err instanceof KernelError)) throw err;
    return { fd: -1, errno: err.errno, trueSize: attr.readU32(LOG_TRUE_SIZE) };
  }
}

function decodeLog(log: Uint8Array): string {
  const end = log.indexOf(0);
  return new TextDecoder().decode(end < 0 ? log : log.subarray(0, end));
}
