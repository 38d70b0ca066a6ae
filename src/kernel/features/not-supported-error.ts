import { TsbpfError } from '../../errors.js';

/**
 * This kernel lacks a feature tsbpf needs (a map type, a program type, a
 * helper, an attach mechanism): `feature` names it, `reason` says what the
 * probe found (e.g. which kernel option or version provides it).
 */
export class NotSupportedError extends TsbpfError {
  constructor(readonly feature: string, readonly reason: string) {
    super(`${feature} is not supported by this kernel: ${reason}`);
  }
}
