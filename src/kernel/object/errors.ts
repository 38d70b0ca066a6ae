import { TsbpfError } from '../../errors.js';
import type { LineInfo } from '../../elf/object-spec.js';
import { VerifierRejectedError } from '../errors.js';

/** An object cannot be instantiated in the kernel (a reference that does not resolve, a value that does not fit). */
export class ObjectLoadError extends TsbpfError {
  constructor(reason: string, readonly section: string | null = null, readonly insn: number | null = null) {
    super(reason);
  }
}

/**
 * The kernel's verifier refused a program of an object: the log, the
 * instruction it stopped at (from the log) and, where the object has BTF
 * line info, the C source line of that instruction.
 */
export class ProgramRejectedError extends VerifierRejectedError {
  constructor(
    errno: number,
    log: string,
    programName: string,
    readonly section: string,
    /** Instruction index the verifier stopped at, or null when the log does not say. */
    readonly insn: number | null,
    /** Source position of that instruction, or null without line info. */
    readonly source: LineInfo | null,
  ) {
    super(errno, log, programName);
    const last = this.message.replace(/^BPF_PROG_LOAD failed: /, '');
    const where = insn === null ? '' : ` at insn ${insn}`;
    const line = source === null ? '' : ` (${source.fileName}:${source.line}:${source.column}: ${source.lineText.trim()})`;
    this.message = `program ${programName} (section ${section}) rejected by the kernel verifier${where}${line}: ${last}`;
  }
}
