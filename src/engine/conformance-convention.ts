import { conformanceHelpers } from '../helpers/conformance.js';
import type { Instruction } from '../isa/instruction.js';
import { Arena } from '../memory/arena.js';
import type { EngineFactory } from './select.js';

/** What a program left behind under the conformance calling convention. */
export interface ConventionResult {
  /** All 64 bits of r0. */
  readonly r0: bigint;
  /** The input memory after the run. */
  readonly mem: Uint8Array;
  readonly instructions: number;
}

export interface ConventionOptions {
  readonly budget?: number;
  readonly checked?: boolean;
}

/**
 * Runs a program under the conformance calling convention: a fresh arena
 * holding `mem` as a writable region named `memory`, r1 = its address (0 when
 * it is empty), r2 = its length, and the suite's helper table (helper 5 =
 * unwind). Errors of the engine (refusal, memory fault, budget) propagate.
 */
export function runUnderConformanceConvention(
  insns: readonly Instruction[],
  mem: Uint8Array,
  create: EngineFactory,
  options: ConventionOptions = {},
): ConventionResult {
  const arena = new Arena();
  const exe = create({ insns }, { arena, helpers: conformanceHelpers(), budget: options.budget, checked: options.checked });
  let pointer = 0n;
  let at = -1;
  if (mem.length > 0) {
    at = arena.alloc(mem.length);
    arena.bytes.set(mem, at);
    arena.addRegion(at, mem.length, 'mem', 'memory');
    pointer = arena.pointer(at);
  }
  const r0 = exe.run([pointer, BigInt(mem.length)]);
  const after = at < 0 ? new Uint8Array(0) : arena.bytes.slice(at, at + mem.length);
  return { r0, mem: after, instructions: exe.lastInstructionCount };
}
