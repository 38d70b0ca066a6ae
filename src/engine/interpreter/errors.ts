import { TsbpfError } from '../../errors.js';

/** An lddw whose pseudo source (map fd, map value, BTF id...) the loader has not resolved. */
export class UnresolvedReferenceError extends TsbpfError {
  constructor(readonly index: number, readonly pseudo: number) {
    super(`instruction ${index}: lddw with unresolved pseudo source ${pseudo} (the loader must turn it into an address)`);
  }
}
