import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { ElfError } from './errors.js';
import { parseObjectSpec, type ObjectSpecOptions } from './object.js';
import { hostKconfig } from './kconfig-host.js';
import type { ObjectSpec } from './object-spec.js';

/** libbpf's object name for a path: the file name up to its first dot. */
export function objectNameOfPath(path: string): string {
  const base = basename(path);
  const dot = base.indexOf('.');
  return dot > 0 ? base.slice(0, dot) : base;
}

/**
 * Reads an object from bytes or a file path (the name then defaults to the
 * file's); `__kconfig` externs take this machine's values unless
 * options.kconfig says otherwise.
 */
export function loadObjectSpec(input: Uint8Array | string, options: ObjectSpecOptions = {}): ObjectSpec {
  options = { kconfig: hostKconfig, ...options };
  if (typeof input !== 'string') return parseObjectSpec(input, options);
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(input);
  } catch (e) {
    throw new ElfError(`cannot read ${input}: ${(e as Error).message}`, null, 0);
  }
  return parseObjectSpec(bytes, { name: objectNameOfPath(input), ...options });
}
