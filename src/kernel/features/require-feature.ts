import { BPF_FUNC } from '../../helpers/ids.js';
import { readProbePmu } from '../attach/probe-pmu.js';
import type { BpfMapTypeName, BpfProgTypeName } from '../uapi.js';
import { hasHelper, hasMapType, hasProgramType } from './feature-report.js';
import { NotSupportedError } from './not-supported-error.js';

/** Throws NotSupportedError unless this kernel can create maps of `type`. */
export function requireMapType(type: BpfMapTypeName): void {
  if (hasMapType(type) === false) throw new NotSupportedError(type, 'creating a minimal map of this type fails');
}

/** Throws NotSupportedError unless this kernel loads programs of `type`. */
export function requireProgramType(type: BpfProgTypeName): void {
  if (!hasProgramType(type)) throw new NotSupportedError(type, 'loading a minimal program of this type fails');
}

/** Throws NotSupportedError unless programs of `type` may call `helper` (an id, or the kernel's name without `bpf_`). */
export function requireHelper(type: BpfProgTypeName, helper: number | string): void {
  const table = BPF_FUNC as Readonly<Record<string, number>>;
  const id = typeof helper === 'number' ? helper : table[helper.replace(/^bpf_/, '')];
  const name = Object.entries(table).find(([, v]) => v === id)?.[0] ?? `#${helper}`;
  if (id === undefined || !hasHelper(type, id)) throw new NotSupportedError(`helper bpf_${name} in ${type}`, 'the verifier does not know it for this program type');
}

/** Throws NotSupportedError('kprobes') unless the kernel has the kprobe PMU. */
export function requireKprobes(): void {
  if (!readProbePmu('kprobe')) throw new NotSupportedError('kprobes', 'no kprobe PMU: kernel built without CONFIG_KPROBES / CONFIG_KPROBE_EVENTS');
}
