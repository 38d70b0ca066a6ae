import { loadObjectSpec } from '../../elf/load.js';
import type { ObjectSpec, ProgramSpec } from '../../elf/object-spec.js';
import { programVerifyOptions, progTypeRules } from '../../verifier/index.js';

/** Whether the VM can verify and run a program (its type, or one of tsbpf's hook contexts). */
function vmRuns(program: ProgramSpec, spec: ObjectSpec): boolean {
  const options = programVerifyOptions(program, spec, { hookContexts: true });
  return options.rules !== undefined || progTypeRules(options.progType) !== undefined;
}

/** The program test-run runs, as selectProgram picks it, by name; undefined when the options name none that exists. */
function selectedName(spec: ObjectSpec, options: { program?: string; section?: string }): string | undefined {
  if (options.program !== undefined) return options.program;
  if (options.section !== undefined) return spec.programs.find((p) => p.section === options.section)?.name;
  return spec.programs[0]?.name;
}

/**
 * The object `test-run` loads in the VM: every program but those of types
 * the VM cannot run that the run does not need (not the one run, not named
 * in a map's initial values), as libbpf-based tools turn off the autoload of
 * the variants a machine cannot take (bcc's tp_btf and fentry programs
 * beside their raw_tp and kprobe twins). The program run is always kept, so
 * that one of those types is still refused by name.
 */
export function vmTestRunSpec(path: string, options: { program?: string; section?: string }): ObjectSpec {
  const spec = loadObjectSpec(path);
  const keep = new Set<string>();
  const selected = selectedName(spec, options);
  if (selected !== undefined) keep.add(selected);
  for (const m of spec.maps) {
    for (const entry of m.contents) if (!(entry.value instanceof Uint8Array) && 'program' in entry.value) keep.add(entry.value.program);
  }
  return { ...spec, programs: spec.programs.filter((p) => keep.has(p.name) || vmRuns(p, spec)) };
}
