import { ExecutionError } from '../engine/errors.js';

/** A helper called with something no verified program could pass (no map behind a map pointer...). */
export class HelperError extends ExecutionError {
  constructor(pc: number, readonly helper: string, reason: string) {
    super(pc, `${helper}: ${reason}`);
  }
}
