import { TsbpfError } from '../errors.js';
import { errnoName } from '../maps/errno.js';

/**
 * Input that BPF_PROG_TEST_RUN would refuse (the kernel's errno in `errno`),
 * e.g. a packet shorter than an Ethernet header or a ctx_in with fields the
 * kernel does not let you set.
 */
export class TestRunInputError extends TsbpfError {
  constructor(readonly errno: number, readonly reason: string) {
    super(`test run: ${reason} (${errnoName(errno)})`);
  }
}
