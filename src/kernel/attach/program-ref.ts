import { enumName } from '../uapi.js';
import { BpfProgType } from '../uapi.js';
import { AttachProgramError } from './errors.js';

/** What the attach functions need of a loaded program (a KernelProgram has it). */
export interface AttachableProgram {
  readonly fd: number;
  /** enum bpf_prog_type. */
  readonly type: number;
  readonly name: string;
}

/** Refuses, before asking the kernel, a program whose type cannot go to the hook. */
export function requireProgramType(program: AttachableProgram, hook: string, ...types: number[]): void {
  if (types.includes(program.type)) return;
  const expected = types.map((t) => enumName(BpfProgType, t)).join(' or ');
  throw new AttachProgramError(program.name || `fd ${program.fd}`, `is ${enumName(BpfProgType, program.type)}; ${hook} takes ${expected}`);
}
