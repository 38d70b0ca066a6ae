import { lineInfoAt } from '../../elf/line-info.js';
import type { ProgramSpec } from '../../elf/object-spec.js';
import type { Instruction } from '../../isa/instruction.js';
import { KernelError, VerifierRejectedError } from '../errors.js';
import { requireProgramType } from '../features/require-feature.js';
import { KernelProgram } from '../program.js';
import type { BtfExtRecords } from '../prog-load.js';
import { ObjectLoadError, ProgramRejectedError } from './errors.js';

export interface ProgramLoadContext {
  readonly btfFd: number | null;
  readonly funcInfo?: BtfExtRecords;
  readonly lineInfo?: BtfExtRecords;
  readonly attachBtfId: number;
  /** Verifier log level (0: a log only on rejection). */
  readonly logLevel: number;
}

/** The instruction index the verifier stopped at: the last `N: (xx) ...` line of its log. */
export function failingInsn(log: string): number | null {
  const lines = log.split('\n');
  for (let i = lines.length - 1; i >= 0; i--) {
    const m = /^(\d+): \([0-9a-f]{2}\)/.exec(lines[i]);
    if (m) return Number(m[1]);
  }
  return null;
}

/** kernel names: at most 15 of [A-Za-z0-9_.]. */
const kernelName = (name: string): string => name.replace(/[^A-Za-z0-9_.]/g, '_').slice(0, 15);

/**
 * BPF_PROG_LOAD of one program of an object with its relocated instructions.
 * A verifier rejection becomes ProgramRejectedError with the failing
 * instruction and its source line; when the kernel refuses the BTF
 * func/line info itself, the load is retried without it, as libbpf does.
 */
export function loadProgramSpec(program: ProgramSpec, insns: Instruction[], ctx: ProgramLoadContext): KernelProgram {
  if (program.typeId === 0) {
    throw new ObjectLoadError(`program ${program.name}: section '${program.section}' names no program type the kernel knows`, program.section);
  }
  const base = {
    type: program.typeId,
    insns,
    license: program.license || 'GPL',
    kernVersion: program.kernelVersion,
    flags: program.flags,
    name: kernelName(program.name),
    expectedAttachType: program.attachTypeId,
    attachBtfId: ctx.attachBtfId,
    logLevel: ctx.logLevel,
  };
  const withBtf = ctx.btfFd !== null && ctx.funcInfo !== undefined
    ? { ...base, btfFd: ctx.btfFd, funcInfo: ctx.funcInfo, lineInfo: ctx.lineInfo }
    : null;
  try {
    return KernelProgram.load(withBtf ?? base);
  } catch (err) {
    if (err instanceof KernelError && !(err instanceof VerifierRejectedError)) {
      requireProgramType(program.type);
      throw new ObjectLoadError(`program ${program.name} (section ${program.section}): ${err.message}`, program.section);
    }
    if (!(err instanceof VerifierRejectedError)) throw err;
    if (withBtf !== null && /(func|line)_info|BTF/.test(err.log.split('\n').slice(-4).join('\n')) && failingInsn(err.log) === null) {
      try {
        return KernelProgram.load(base);
      } catch (retry) {
        if (!(retry instanceof VerifierRejectedError)) throw retry;
        throw rejection(program, retry);
      }
    }
    throw rejection(program, err);
  }
}

function rejection(program: ProgramSpec, err: VerifierRejectedError): ProgramRejectedError {
  const insn = failingInsn(err.log);
  const source = insn === null ? undefined : lineInfoAt(program, insn);
  return new ProgramRejectedError(err.errno, err.log, program.name, program.section, insn, source ?? null);
}
