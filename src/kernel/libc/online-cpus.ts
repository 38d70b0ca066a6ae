import { readFileSync } from 'node:fs';

/** Parses a kernel CPU list (`0-3,5`) into CPU numbers. */
export function parseCpuList(text: string): number[] {
  const cpus: number[] = [];
  for (const part of text.trim().split(',')) {
    if (part === '') continue;
    const [lo, hi] = part.split('-').map((s) => Number.parseInt(s, 10));
    for (let cpu = lo; cpu <= (hi ?? lo); cpu++) cpus.push(cpu);
  }
  return cpus;
}

/** The CPUs online now (/sys/devices/system/cpu/online): perf events can be opened only on these. */
export function onlineCpus(): number[] {
  return parseCpuList(readFileSync('/sys/devices/system/cpu/online', 'utf8'));
}
