import { TsbpfError } from '../../errors.js';

/** The kernel refused or lacks something the command needs: exit 1 (not a usage error). */
export class CliFailure extends TsbpfError {}
