import { TsbpfError } from '../errors.js';

/** A load or store outside every region it may touch, or across a region's end. */
export class MemoryAccessError extends TsbpfError {
  constructor(
    readonly pc: number,
    readonly address: bigint,
    readonly size: number,
    readonly write: boolean,
    /** The region the access started in, if any. */
    readonly region: string | null,
    detail = '',
  ) {
    super(`pc ${pc}: invalid ${write ? 'write' : 'read'} of ${size} byte${size === 1 ? '' : 's'} at 0x${address.toString(16)}`
      + (region ? ` (outside region ${region})` : ' (in no region)') + (detail ? `: ${detail}` : ''));
  }
}

/** The arena cannot grow to hold an allocation. */
export class ArenaFullError extends TsbpfError {}
