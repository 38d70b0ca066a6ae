import { TsbpfError } from '../errors.js';

/**
 * A program the verifier refuses: `reason` is the kernel's wording (for
 * example `R0 invalid mem access 'map_value_or_null'`), `insn` the index of
 * the instruction at fault (or -1 when the fault is not at one instruction),
 * and `log` the verifier log up to the refusal.
 */
export class VerifierError extends TsbpfError {
  log = '';
  /** Every line of the kernel-style explanation (the first is `reason`). */
  lines: string[] = [];

  constructor(readonly reason: string, readonly insn: number, readonly errno: VerifierErrno = 'EACCES') {
    super(insn >= 0 ? `insn ${insn}: ${reason}` : reason);
    this.lines = [reason];
  }
}

/** The errno the kernel's bpf(BPF_PROG_LOAD) returns for the refusal. */
export type VerifierErrno = 'EACCES' | 'EINVAL' | 'E2BIG' | 'EFAULT' | 'ENOSPC' | 'ENOTSUPP' | 'EPERM';

/** A program or option `tsbpf verify` cannot work with (bad file, unknown type, no such program). */
export class VerifyInputError extends TsbpfError {}
