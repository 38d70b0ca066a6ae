import { TsbpfError } from '../errors.js';

/** Malformed bytecode: which instruction (slot index) and why. */
export class DecodeError extends TsbpfError {
  constructor(readonly index: number, readonly reason: string) {
    super(`invalid instruction ${index}: ${reason}`);
  }
}

/** Assembly that does not parse or encode: line and column (1-based) and why. */
export class AsmError extends TsbpfError {
  constructor(readonly line: number, readonly column: number, readonly reason: string) {
    super(`line ${line}, column ${column}: ${reason}`);
  }
}
