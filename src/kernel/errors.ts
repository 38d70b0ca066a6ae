import { TsbpfError } from '../errors.js';
import { errnoName } from './errno.js';
import { errorLine } from './verifier-log.js';

/** A bpf() command the kernel refused: which command, and the errno it returned. */
export class KernelError extends TsbpfError {
  /** Symbolic errno, e.g. `EPERM`, `EINVAL`, `E2BIG`. */
  readonly code: string;

  constructor(
    /** The bpf() command, as enum bpf_cmd names it (`BPF_MAP_CREATE`...). */
    readonly command: string,
    readonly errno: number,
    detail = '',
  ) {
    const code = errnoName(errno);
    super(`${command} failed: ${code}${detail ? ` (${detail})` : ''}`);
    this.code = code;
  }
}

/**
 * BPF_PROG_LOAD refused by the kernel's verifier: carries the verifier log
 * (level 1 or more); the message is the kernel's error line (the first
 * after the last instruction it printed, not a state dump that follows).
 */
export class VerifierRejectedError extends KernelError {
  constructor(errno: number, readonly log: string, readonly programName = '') {
    super('BPF_PROG_LOAD', errno, errorLine(log) || 'no verifier log');
  }
}

/** bpf() is not usable here (not Linux, no libc, or the syscall is refused). */
export class KernelUnavailableError extends TsbpfError {}
