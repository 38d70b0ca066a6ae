import type { BpfObject } from '../../object/bpf-object.js';
import type { ObjectProgram } from '../../object/object-program.js';
import { CliInputError } from '../errors.js';

/**
 * The program `test-run` runs: the one named by --program, else the first
 * of section --section, else the object's first program (ELF order), as
 * `tsbpf run` picks one from an ELF object.
 */
export function selectProgram(obj: BpfObject, options: { program?: string; section?: string }): ObjectProgram {
  const all = Object.values(obj.programs);
  if (options.program !== undefined && options.section !== undefined) throw new CliInputError('give --program or --section, not both');
  if (options.program !== undefined) {
    const p = all.find((x) => x.name === options.program);
    if (p === undefined) throw new CliInputError(`no program ${options.program} in the object (it has: ${all.map((x) => x.name).join(', ') || 'none'})`);
    return p;
  }
  if (options.section !== undefined) {
    const p = all.find((x) => x.section === options.section);
    if (p === undefined) throw new CliInputError(`no program in section ${options.section} (sections: ${[...new Set(all.map((x) => x.section))].join(', ') || 'none'})`);
    return p;
  }
  const first = all[0];
  if (first === undefined) throw new CliInputError('the object has no program');
  return first;
}
