import { TsbpfError } from '../errors.js';

/**
 * Malformed or unsupported BTF / BTF.ext data, or a value that does not fit
 * its BTF type. `section` names where the bytes came from (`.BTF`,
 * `.BTF.ext`, `vmlinux`, ...) and `offset` is the byte offset inside it.
 */
export class BtfError extends TsbpfError {
  constructor(readonly reason: string, readonly section: string, readonly offset: number) {
    super(`${section} (offset 0x${offset.toString(16)}): ${reason}`);
  }
}

/** A CO-RE relocation that cannot be applied: which program, instruction and why. */
export class CoreRelocationError extends TsbpfError {
  constructor(readonly program: string, readonly insn: number, readonly reason: string) {
    super(`program ${program}, insn ${insn}: CO-RE relocation failed: ${reason}`);
  }
}
