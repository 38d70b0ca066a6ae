import type { Instruction } from '../isa/instruction.js';
import * as op from '../isa/opcodes.js';

const TRAP: Instruction = { opcode: op.BPF_JMP | op.BPF_JA, dst: 0, src: 0, off: -1, imm: 0 };

/**
 * The kernel's sanitize_dead_code: every instruction slot no explored path
 * reached becomes `goto -1`, so that malformed dead code (which the verifier,
 * like the kernel, never checks) cannot reach an engine. `dead` lists the
 * slots, as VerifierResult.deadCode gives them.
 */
export function sanitizeDeadCode(insns: readonly Instruction[], dead: readonly number[]): Instruction[] {
  const out = insns.slice();
  for (const i of dead) out[i] = TRAP;
  return out;
}
