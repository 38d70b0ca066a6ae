import { lineInfoAt } from '../elf/line-info.js';
import type { MapSpec, ObjectSpec, ProgramSpec } from '../elf/object-spec.js';
import type { MapDesc } from '../verifier/maps.js';
import { verify, type VerifierResult } from '../verifier/verify.js';
import { VmProgramRejectedError } from './errors.js';

/** What the verifier needs of a map: what BPF_MAP_CREATE was given. */
function mapDesc(spec: MapSpec): MapDesc {
  return {
    type: spec.typeId,
    keySize: spec.keySize,
    valueSize: spec.valueSize,
    maxEntries: spec.maxEntries,
    flags: spec.flags,
    name: spec.name,
    ...(spec.inner !== undefined ? { inner: mapDesc(spec.inner) } : {}),
  };
}

/**
 * Verifies a program of an object before the VM runs it, as the kernel's
 * BPF_PROG_LOAD does: its instructions as the loader linked them (map
 * references as BPF_PSEUDO_MAP_FD/VALUE with the map's index, CO-RE
 * applied), the object's maps, its BTF line and func info. A refusal throws
 * VmProgramRejectedError with the instruction, its source line and the log.
 * Returns the verifier's result of an accepted program (its stack depths
 * let the JIT zero less stack per run).
 */
export function verifyProgram(program: ProgramSpec, object: ObjectSpec): VerifierResult {
  const result = verify(program.insns, {
    progType: program.typeId,
    maps: object.maps.map(mapDesc),
    lineInfo: program.lineInfo,
    funcInfo: program.functions.length > 0 && program.functions.every((f) => f.btfId !== 0),
    logLevel: 1,
  });
  if (result.verdict === 'accept') return result;
  const insn = result.insn ?? null;
  const source = insn === null ? undefined : lineInfoAt(program, insn);
  throw new VmProgramRejectedError(program.name, program.section, result.error ?? 'verification failed', insn, source ?? null, result.log);
}
