import type { Btf } from '../btf/btf.js';
import { applyCoreRelocations, type CoreRelocationOutcome } from '../btf/core/apply.js';
import { CoreRelocationError } from '../btf/errors.js';
import type { ObjectSpec } from './object-spec.js';

/**
 * Applies every program's CO-RE relocations against a target BTF (the
 * kernel's vmlinux, or tsbpf's own context types), patching the programs'
 * instructions in place. Returns what each relocation resolved to, per program.
 */
export function applyObjectCoreRelocations(spec: ObjectSpec, target: Btf): Map<string, CoreRelocationOutcome[]> {
  const outcomes = new Map<string, CoreRelocationOutcome[]>();
  for (const program of spec.programs) {
    if (program.coreRelos.length === 0) continue;
    if (spec.btf === null) throw new CoreRelocationError(program.name, program.coreRelos[0].insn, 'the object has CO-RE records but no BTF');
    outcomes.set(program.name, applyCoreRelocations(program.insns, program.coreRelos, spec.btf, target, program.name));
  }
  return outcomes;
}
