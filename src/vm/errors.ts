import { TsbpfError } from '../errors.js';

/** An object cannot be instantiated in the VM: a reference that does not resolve, a program type with no context. */
export class VmObjectError extends TsbpfError {
  constructor(reason: string, readonly section: string | null = null, readonly insn: number | null = null) {
    super(reason);
  }
}
