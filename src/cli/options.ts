// Option parsers and options that several subcommands share, so that each
// means the same everywhere.
import { InvalidArgumentError, Option } from 'commander';
import { ENGINE_NAMES } from '../engine/select.js';

/** Accumulates a repeatable option (`--data-in A --data-in B`). */
export const collect = (value: string, previous: string[]): string[] => [...previous, value];

/** Parses a whole number from 1 to `max`. */
export function positiveInteger(max = Number.MAX_SAFE_INTEGER): (text: string) => number {
  return (text) => {
    const n = Number(text);
    if (!Number.isSafeInteger(n) || n <= 0 || n > max) throw new InvalidArgumentError('expected a positive integer');
    return n;
  };
}

/** Parses a number greater than 0 (fractions allowed: seconds, hertz). */
export function positiveNumber(text: string): number {
  const n = Number(text);
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError('expected a positive number');
  return n;
}

/** `--backend vm|kernel`, default vm. */
export const backendOption = (description = 'tsbpf\'s VM or the Linux kernel'): Option =>
  new Option('--backend <backend>', description).choices(['vm', 'kernel']).default('vm');

/** `--engine interp|jit`; without a default the caller picks one (the JIT for verified programs). */
export function engineOption(description: string, defaultEngine?: string): Option {
  const option = new Option('--engine <engine>', description).choices([...ENGINE_NAMES]);
  return defaultEngine === undefined ? option : option.default(defaultEngine);
}
