import { lineInfoAt } from '../elf/line-info.js';
import type { ObjectSpec, ProgramSpec } from '../elf/object-spec.js';
import { programVerifyOptions } from '../verifier/verify-object.js';
import { verify, type VerifierResult } from '../verifier/verify.js';
import { progTypeRules } from '../verifier/prog-type-rules.js';
import { VmObjectError, VmProgramRejectedError } from './errors.js';

/**
 * Verifies a program of an object before the VM runs it, as the kernel's
 * BPF_PROG_LOAD does: its instructions as the loader linked them (map
 * references as BPF_PSEUDO_MAP_FD/VALUE with the map's index, CO-RE
 * applied), the object's maps (frozen .rodata read as constants), its BTF
 * line and func info, and, for a section that names one of tsbpf's
 * user-space hooks, that hook's context. A refusal throws
 * VmProgramRejectedError with the instruction, its source line and the log.
 * Returns the verifier's result of an accepted program (its stack depths
 * let the JIT zero less stack per run).
 */
export function verifyProgram(program: ProgramSpec, object: ObjectSpec): VerifierResult {
  const options = programVerifyOptions(program, object, { logLevel: 1, hookContexts: true });
  if (!options.rules && !progTypeRules(options.progType)) {
    throw new VmObjectError(`program ${program.name} (section ${program.section}) has type ${String(options.progType)}, which tsbpf cannot verify or run (the kernel backend can load it)`, program.section);
  }
  const result = verify(program.insns, options);
  if (result.verdict === 'accept') return result;
  const insn = result.insn ?? null;
  const source = insn === null ? undefined : lineInfoAt(program, insn);
  throw new VmProgramRejectedError(program.name, program.section, result.error ?? 'verification failed', insn, source ?? null, result.log);
}
