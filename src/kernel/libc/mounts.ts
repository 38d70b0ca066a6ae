import { readFileSync } from 'node:fs';
import { KernelError } from '../errors.js';
import { libc, lastErrno } from './libc.js';

/** One line of /proc/self/mounts. */
export interface MountEntry {
  readonly source: string;
  readonly target: string;
  readonly fstype: string;
}

/** /proc/self/mounts, in mount order (octal escapes such as `\040` decoded). */
export function mounts(): MountEntry[] {
  const unescape = (s: string): string => s.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(Number.parseInt(o, 8)));
  return readFileSync('/proc/self/mounts', 'utf8').split('\n').filter((l) => l !== '').map((line) => {
    const [source, target, fstype] = line.split(' ');
    return { source: unescape(source), target: unescape(target), fstype };
  });
}

/**
 * The file system type mounted at `target` (the last mount there wins, as a
 * later mount hides an earlier one), or undefined when nothing is.
 */
export function fsTypeAt(target: string): string | undefined {
  return mounts().filter((m) => m.target === target).at(-1)?.fstype;
}

/** Where a file system of type `fstype` is mounted (the first such mount), or undefined. */
export function mountPointOf(fstype: string): string | undefined {
  return mounts().find((m) => m.fstype === fstype && fsTypeAt(m.target) === fstype)?.target;
}

/** mount(fstype, target, fstype, 0, data): mounts a pseudo file system (tracefs, bpf). */
export function mountFs(fstype: string, target: string, data: string | null = null): void {
  if (libc().mount(fstype, target, fstype, 0, data) !== 0) throw new KernelError('mount', lastErrno(), `${fstype} at ${target}`);
}
