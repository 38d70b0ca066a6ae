import { TsbpfError } from '../../errors.js';
import { ExecutionError } from '../errors.js';

/**
 * A WebAssembly trap in JIT code, mapped back to the instruction that caused
 * it. In unchecked mode this is how an access beyond the arena ends a
 * program (the interpreter names the address too; the JIT cannot recover it).
 */
export class JitTrapError extends ExecutionError {
  constructor(pc: number, readonly trap: string) {
    super(pc, `${trap} (WebAssembly trap)`);
  }
}

/** Something the JIT does not run that the interpreter does (e.g. callx into a slot that is no function entry). */
export class JitUnsupportedError extends ExecutionError {}

/** V8 refused the generated module (e.g. a function beyond its size limit of about 7.6 MB of code). */
export class JitCompileError extends TsbpfError {
  constructor(readonly slots: number, readonly reason: string) {
    super(`cannot compile a program of ${slots} instructions to WebAssembly: ${reason}`);
  }
}
