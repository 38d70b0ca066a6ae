import { readFileSync } from 'node:fs';
import { NotSupportedError } from '../features/not-supported-error.js';

const DEVICES = '/sys/bus/event_source/devices';

/** A dynamic perf PMU for probes (`kprobe`, `uprobe`): its perf type and the config bit that makes a return probe. */
export interface ProbePmu {
  readonly type: number;
  readonly retprobeBit: number;
}

/** Whether the kernel registered dynamic PMU `name` (/sys/bus/event_source/devices/<name>). */
export function readProbePmu(name: 'kprobe' | 'uprobe'): ProbePmu | undefined {
  let typeText: string;
  try {
    typeText = readFileSync(`${DEVICES}/${name}/type`, 'utf8');
  } catch {
    return undefined;
  }
  let retprobeBit = 0;
  try {
    // e.g. `config:0`
    const match = /^config:(\d+)/.exec(readFileSync(`${DEVICES}/${name}/format/retprobe`, 'utf8').trim());
    if (match) retprobeBit = Number(match[1]);
  } catch {
    // The bit has been 0 since the PMUs exist (4.17).
  }
  return { type: Number.parseInt(typeText, 10), retprobeBit };
}

/** The PMU, or NotSupportedError saying which kernel option provides it. */
export function requireProbePmu(name: 'kprobe' | 'uprobe'): ProbePmu {
  const pmu = readProbePmu(name);
  if (pmu) return pmu;
  const option = name === 'kprobe' ? 'CONFIG_KPROBES and CONFIG_KPROBE_EVENTS' : 'CONFIG_UPROBES and CONFIG_UPROBE_EVENTS';
  throw new NotSupportedError(`${name}s`, `there is no ${name} PMU (${DEVICES}/${name}): the kernel was built without ${option}`);
}
