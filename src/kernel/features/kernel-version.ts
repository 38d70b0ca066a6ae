import { release } from 'node:os';

/** The running kernel's version as [major, minor, patch], from uname's release (`6.18.44-...`). */
export function kernelVersion(): readonly [number, number, number] {
  const match = /^(\d+)\.(\d+)(?:\.(\d+))?/.exec(release());
  if (!match) return [0, 0, 0];
  return [Number(match[1]), Number(match[2]), Number(match[3] ?? 0)];
}

/** Whether the running kernel is at least `major.minor`. */
export function kernelAtLeast(major: number, minor: number): boolean {
  const [ma, mi] = kernelVersion();
  return ma > major || (ma === major && mi >= minor);
}
