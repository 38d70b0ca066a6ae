import type { Btf } from '../btf/btf.js';
import { applyCoreRelocations, type CoreRelocationOutcome } from '../btf/core/apply.js';
import { CoreRelocationError } from '../btf/errors.js';
import type { ObjectSpec } from './object-spec.js';

/** The target BTF of one relocation, chosen by the name of its root type (e.g. `task_struct`, `tsbpf_uprobe_ctx`). */
export type CoreTargetOf = (rootTypeName: string) => Btf;

/**
 * Applies every program's CO-RE relocations against a target BTF (the
 * kernel's vmlinux, or tsbpf's own context types), or against the target
 * each relocation's root type picks, patching the programs' instructions in
 * place. Returns what each relocation resolved to, per program, in the order
 * of the program's records.
 */
export function applyObjectCoreRelocations(spec: ObjectSpec, target: Btf | CoreTargetOf): Map<string, CoreRelocationOutcome[]> {
  const outcomes = new Map<string, CoreRelocationOutcome[]>();
  for (const program of spec.programs) {
    if (program.coreRelos.length === 0) continue;
    const local = spec.btf;
    if (local === null) throw new CoreRelocationError(program.name, program.coreRelos[0].insn, 'the object has CO-RE records but no BTF');
    if (typeof target !== 'function') {
      outcomes.set(program.name, applyCoreRelocations(program.insns, program.coreRelos, local, target, program.name));
      continue;
    }
    const results = program.coreRelos.map((relo) =>
      applyCoreRelocations(program.insns, [relo], local, target(local.skipQualifiers(relo.typeId).name), program.name)[0]);
    outcomes.set(program.name, results);
  }
  return outcomes;
}

/**
 * The spec one load works on: its programs' instructions copied (the loader's
 * relocations patch them) and, when a program has CO-RE records, relocated
 * against `target` (the backend's `defaultTarget` when undefined; not at all
 * when null).
 */
export function specForLoad(spec: ObjectSpec, target: Btf | null | undefined, defaultTarget: CoreTargetOf): ObjectSpec {
  const programs = spec.programs.map((p) => ({ ...p, insns: p.insns.map((i) => ({ ...i })) }));
  const working: ObjectSpec = { ...spec, programs };
  if (target !== null && programs.some((p) => p.coreRelos.length > 0)) applyObjectCoreRelocations(working, target ?? defaultTarget);
  return working;
}
