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

/**
 * The spec one load works on: its programs' instructions copied (the loader's
 * relocations patch them) and, when a program has CO-RE records, relocated
 * against `target` (`defaultTarget()` when undefined; not at all when null).
 */
export function specForLoad(spec: ObjectSpec, target: Btf | null | undefined, defaultTarget: () => Btf): ObjectSpec {
  const programs = spec.programs.map((p) => ({ ...p, insns: p.insns.map((i) => ({ ...i })) }));
  const working: ObjectSpec = { ...spec, programs };
  if (target !== null && programs.some((p) => p.coreRelos.length > 0)) applyObjectCoreRelocations(working, target ?? defaultTarget());
  return working;
}
