import type { LineInfo } from '../elf/object-spec.js';
import { TsbpfError } from '../errors.js';

/** An object cannot be instantiated in the VM: a reference that does not resolve, a program type with no context. */
export class VmObjectError extends TsbpfError {
  constructor(reason: string, readonly section: string | null = null, readonly insn: number | null = null) {
    super(reason);
  }
}

/**
 * tsbpf's verifier refused a program of an object: its reason in the
 * kernel's words, the instruction and, with BTF line info, its C source line.
 */
export class VmProgramRejectedError extends TsbpfError {
  constructor(
    readonly programName: string,
    readonly section: string,
    readonly reason: string,
    readonly insn: number | null,
    readonly source: LineInfo | null,
    readonly log: string,
  ) {
    const where = insn === null ? '' : ` at insn ${insn}`;
    const line = source === null ? '' : ` (${source.fileName}:${source.line}:${source.column}: ${source.lineText.trim()})`;
    super(`program ${programName} (section ${section}) rejected by the verifier${where}${line}: ${reason}`);
  }
}
