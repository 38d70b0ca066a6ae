import { TsbpfError } from '../errors.js';

/** Bad command-line input (a file that cannot be read, malformed hex, an unknown format): exit 2. */
export class CliInputError extends TsbpfError {}
