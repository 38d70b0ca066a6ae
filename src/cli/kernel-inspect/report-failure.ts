import { KernelError } from '../../kernel/errors.js';
import { PinError } from '../../kernel/pin.js';
import { CliFailure } from './cli-failure.js';

import { EXIT_FAIL } from '../exit-codes.js';

/**
 * Runs a kernel-inspecting command: a refusal by the kernel or a missing
 * feature prints `tsbpf: …` and exits 1; bad input (CliInputError, a pin path
 * with nothing there) propagates to main, which exits 2.
 */
export function reportFailure(run: () => void): void {
  try {
    run();
  } catch (err) {
    if (err instanceof PinError) throw err;
    if (!(err instanceof CliFailure) && !(err instanceof KernelError)) throw err;
    process.stderr.write(`tsbpf: ${err.message}\n`);
    process.exitCode = EXIT_FAIL;
  }
}
