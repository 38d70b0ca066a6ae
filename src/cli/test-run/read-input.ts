import { readFileSync, writeFileSync } from 'node:fs';
import { CliInputError } from '../errors.js';

/** A binary input file (`-` reads stdin), as bpftool's data_in and ctx_in. */
export function readInputFile(path: string, what: string): Uint8Array {
  try {
    return new Uint8Array(readFileSync(path === '-' ? 0 : path));
  } catch (err) {
    throw new CliInputError(`${what} ${path}: ${(err as Error).message}`);
  }
}

/** Writes data out (`-` writes stdout). */
export function writeOutputFile(path: string, bytes: Uint8Array): void {
  try {
    if (path === '-') process.stdout.write(bytes);
    else writeFileSync(path, bytes);
  } catch (err) {
    throw new CliInputError(`--data-out ${path}: ${(err as Error).message}`);
  }
}
