import { BtfError } from '../../btf/errors.js';
import { ElfError } from '../../elf/errors.js';
import { EngineUnavailableError } from '../../engine/select.js';
import { KernelError } from '../../kernel/errors.js';
import { UnknownNameError } from '../../object/bpf-object.js';
import { GlobalVariableError } from '../../object/globals.js';
import { LoadObjectOptionError } from '../../object/load-object.js';
import { MapValueError } from '../../object/map-value.js';
import { TestRunInputError } from '../../progtypes/errors.js';
import { Errno } from '../../uapi/errno.js';
import { CliInputError } from '../errors.js';


/**
 * Whether an error means bad input (exit 2: an unreadable or corrupt object,
 * an unknown program, a packet or context the program type refuses) rather
 * than a program refused or failing (exit 1). The kernel's EINVAL or E2BIG
 * from BPF_PROG_TEST_RUN is its answer to bad input, as TestRunInputError is the VM's.
 */
export function isTestRunBadInput(err: unknown): boolean {
  if (err instanceof KernelError) return err.command === 'BPF_PROG_TEST_RUN' && (err.errno === Errno.EINVAL || err.errno === Errno.E2BIG);
  return err instanceof CliInputError || err instanceof ElfError || err instanceof BtfError || err instanceof UnknownNameError
    || err instanceof TestRunInputError || err instanceof LoadObjectOptionError || err instanceof EngineUnavailableError
    || err instanceof MapValueError || err instanceof GlobalVariableError;
}
