import { TsbpfError } from '../errors.js';

/**
 * A malformed or unsupported ELF object. `section` names the section the
 * fault is in (its name, or `#index` when the name is unknown; null for the
 * file header) and `offset` is the byte offset in the file where it was found.
 */
export class ElfError extends TsbpfError {
  constructor(
    readonly reason: string,
    readonly section: string | null,
    readonly offset: number,
  ) {
    super(`${section === null ? 'ELF header' : `section ${section}`} (offset 0x${offset.toString(16)}): ${reason}`);
  }
}
