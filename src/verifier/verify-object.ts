// Verifying the programs of a loaded ELF object (ObjectSpec): each program
// with the object's maps, its BTF func and line info, and its program type.
import type { ObjectSpec, ProgramSpec } from '../elf/object-spec.js';
import { hookVerifierRules } from './hook-rules.js';
import type { MapDesc } from './maps.js';
import { verify, type VerifierResult, type VerifyOptions } from './verify.js';
import { spinLockOffset } from '../btf/spin-lock.js';
import { BPF_F_SLEEPABLE } from '../uapi/flags.js';
import { globalFuncsOf } from './global-funcs.js';

export interface ObjectVerifyOptions {
  /** Program type to use instead of the one the section implies (kernel name, e.g. `xdp`). */
  readonly type?: string;
  readonly logLevel?: 0 | 1 | 2;
  readonly unprivileged?: boolean;
  /**
   * The program will run on tsbpf's user-space hooks: a section naming one
   * (`uprobe/…`, `perf_event`, `tracepoint/node/…`, `tracepoint/syscalls/…`)
   * gets that hook's context rules instead of the program type's generic ones.
   */
  readonly hookContexts?: boolean;
}

/** The kernel name (`xdp`) of a program type as the loader spells it (`BPF_PROG_TYPE_XDP`). */
export function progTypeOfSpec(program: ProgramSpec): string {
  return program.type.replace(/^BPF_PROG_TYPE_/, '').toLowerCase();
}

/**
 * The contents of a global `.rodata` or `.kconfig` map, which the loader
 * freezes before the programs load (as libbpf does): its reads are constants.
 */
export function frozenValueOf(m: ObjectSpec['maps'][number]): Uint8Array | undefined {
  if (m.global?.kind !== 'rodata' && m.global?.kind !== 'kconfig') return undefined;
  const v = m.contents[0]?.value;
  return v instanceof Uint8Array ? v : new Uint8Array(m.valueSize);
}

/** The object's maps as the verifier describes them (indices as in lddw). */
export function objectMaps(obj: ObjectSpec): MapDesc[] {
  const convert = (m: ObjectSpec['maps'][number]): MapDesc => ({
    type: m.typeId,
    keySize: m.keySize,
    valueSize: m.valueSize,
    maxEntries: m.maxEntries,
    flags: m.flags,
    name: m.name,
    inner: m.inner ? convert(m.inner) : undefined,
    frozenValue: frozenValueOf(m),
    spinLockOffset: spinLockOffset(obj.btf, m.valueType),
    hasBtf: obj.btf !== null && m.valueType !== 0,
  });
  return obj.maps.map(convert);
}

/** The options verify() needs for one program of an object. */
export function programVerifyOptions(program: ProgramSpec, obj: ObjectSpec, options: ObjectVerifyOptions = {}): VerifyOptions {
  const progType = options.type ?? progTypeOfSpec(program);
  const rules = options.hookContexts ? hookVerifierRules(program.section, progType) : undefined;
  return {
    progType,
    ...(rules ? { rules } : {}),
    // Another type given in place of the section's leaves the section's attach type aside.
    expectedAttachType: progType === progTypeOfSpec(program) ? program.attachType : null,
    sleepable: (program.flags & BPF_F_SLEEPABLE) !== 0 || progType === 'syscall',
    globalFuncs: globalFuncsOf(program.functions, obj.btf, progType),
    maps: objectMaps(obj),
    unprivileged: options.unprivileged,
    logLevel: options.logLevel,
    lineInfo: program.lineInfo.map((l) => ({ insn: l.insn, lineText: l.lineText })),
    funcInfo: program.functions.some((f) => f.btfId !== 0),
  };
}

/** Verifies one program of an object. */
export function verifyProgramSpec(program: ProgramSpec, obj: ObjectSpec, options: ObjectVerifyOptions = {}): VerifierResult {
  return verify(program.insns, programVerifyOptions(program, obj, options));
}
