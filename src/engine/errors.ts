import { TsbpfError } from '../errors.js';

/** A program stopped at run time for a reason other than a memory fault. */
export class ExecutionError extends TsbpfError {
  constructor(readonly pc: number, readonly reason: string) {
    super(`pc ${pc}: ${reason}`);
  }
}

/** A program ran more instructions than its budget allows (unverified programs). */
export class BudgetExceededError extends ExecutionError {
  constructor(pc: number, readonly budget: number) {
    super(pc, `instruction budget of ${budget} exhausted`);
  }
}

/** A call to a helper id the run-time environment does not provide. */
export class UnknownHelperError extends ExecutionError {
  constructor(pc: number, readonly helperId: number) {
    super(pc, `call to unknown helper ${helperId}`);
  }
}
