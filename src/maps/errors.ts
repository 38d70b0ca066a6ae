import { TsbpfError } from '../errors.js';
import { errnoName } from './errno.js';

/**
 * A map operation refused as the kernel would refuse it: `errno` is the
 * positive errno the kernel returns (negated) for the same operation.
 */
export class MapError extends TsbpfError {
  constructor(
    readonly map: string,
    readonly operation: string,
    readonly errno: number,
    detail = '',
  ) {
    super(`map ${map}: ${operation}: ${errnoName(errno)}${detail ? ` (${detail})` : ''}`);
  }
}

/** A map definition the kernel's BPF_MAP_CREATE would refuse (`errno` as the kernel's). */
export class MapDefinitionError extends TsbpfError {
  constructor(
    readonly map: string,
    readonly errno: number,
    readonly reason: string,
  ) {
    super(`map ${map}: cannot create: ${reason} (${errnoName(errno)})`);
  }
}
