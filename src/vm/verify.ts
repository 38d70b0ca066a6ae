import type { ObjectSpec, ProgramSpec } from '../elf/object-spec.js';
import type { Instruction } from '../isa/instruction.js';
import type { BpfMap } from '../maps/bpf-map.js';

/**
 * Verifies a program before the VM runs it, returning whether it was
 * proven safe (it then runs without per-access checks). tsbpf's verifier
 * (src/verifier) has no entry point yet, so no program counts as verified:
 * every program runs checked, with an instruction budget.
 */
export function verifyForVm(_program: ProgramSpec, _insns: readonly Instruction[], _object: ObjectSpec, _maps: readonly BpfMap[]): boolean {
  return false;
}
