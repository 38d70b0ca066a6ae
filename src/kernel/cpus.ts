import { readFileSync } from 'node:fs';

let possible: number | undefined;

/**
 * Number of possible CPUs, as the kernel sizes per-CPU map values
 * (/sys/devices/system/cpu/possible, e.g. `0-1` or `0,2-3`).
 */
export function possibleCpus(): number {
  if (possible !== undefined) return possible;
  const text = readFileSync('/sys/devices/system/cpu/possible', 'utf8').trim();
  let count = 0;
  for (const part of text.split(',')) {
    const [lo, hi] = part.split('-').map((s) => Number.parseInt(s, 10));
    count += hi === undefined ? 1 : hi - lo + 1;
  }
  possible = count;
  return count;
}
