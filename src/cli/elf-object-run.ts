import { readFileSync } from 'node:fs';
import { parseObjectSpec } from '../elf/object.js';
import { objectNameOfPath } from '../elf/load.js';
import type { ObjectSpec, ProgramSpec } from '../elf/object-spec.js';
import type { EngineName } from '../engine/select.js';
import { VmObject } from '../vm/vm-object.js';
import { CliInputError } from './errors.js';
import { hasTextMain } from './elf-entry.js';
import { isElf } from './program-input.js';

/** An ELF object's program that refers to maps, so it runs inside its object rather than as bare instructions. */
export interface ElfProgramWithMaps {
  readonly spec: ObjectSpec;
  readonly program: ProgramSpec;
}

/**
 * The program `tsbpf run` picks from an ELF object (as elfEntryProgram: the
 * one named `main`, else the first) when it refers to maps or global data;
 * null for anything else (raw bytecode, assembly, `.text` main functions,
 * programs without maps), which runs as before.
 */
export function elfProgramWithMaps(path: string): ElfProgramWithMaps | null {
  let spec: ObjectSpec;
  try {
    const bytes = new Uint8Array(readFileSync(path));
    if (!isElf(bytes) || hasTextMain(bytes)) return null;
    spec = parseObjectSpec(bytes, { name: objectNameOfPath(path) });
  } catch {
    return null; // readProgramFile reports what is wrong with the file
  }
  const program = spec.programs.find((p) => p.name === 'main') ?? spec.programs[0];
  return program !== undefined && program.mapRefs.length > 0 ? { spec, program } : null;
}

/**
 * Runs such a program in a VM object under the conformance calling
 * convention (r1 = memory, r2 = its length), its maps created and filled as
 * for a test run. The program is not verified: the calling convention is not
 * its program type's context, so it runs checked, with the budget.
 */
export function runElfProgramWithMaps(target: ElfProgramWithMaps, mem: Uint8Array, engine: string, backend: 'vm' | 'kernel', budget: number): bigint {
  if (backend === 'kernel') {
    throw new CliInputError(`program ${target.program.name} uses maps: run it with \`tsbpf test-run --backend kernel\` (the kernel runs it in its program type's context)`);
  }
  const obj = VmObject.load(target.spec, { engine: engine as EngineName, verify: false, budget });
  try {
    return (obj.programs.get(target.program.name) as NonNullable<ReturnType<typeof obj.programs.get>>).runWithMemory(mem).r0;
  } finally {
    obj.close();
  }
}
