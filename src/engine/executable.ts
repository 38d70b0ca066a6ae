import type { Instruction } from '../isa/instruction.js';
import type { Arena } from '../memory/arena.js';
import type { HelperContext, HelperTable } from './abi.js';

/**
 * A program ready for an engine: validated instruction slots in which every
 * lddw is either a plain 64-bit immediate (the loader has already turned map
 * and global-data references into arena pointers) or a BPF_PSEUDO_FUNC
 * function address. Slot 0 is the entry; sub-programs follow.
 */
export interface ProgramImage {
  readonly insns: readonly Instruction[];
  readonly name?: string;
}

export interface EngineOptions {
  readonly arena: Arena;
  readonly helpers: HelperTable;
  /**
   * Check every load and store against the arena's regions (pc, address,
   * size in the error). Default true; verified programs may turn it off.
   */
  readonly checked?: boolean;
  /** Most instructions one run may execute; default unlimited. */
  readonly budget?: number;
}

/** Per-instruction hook for stepping and tracing (interpreter only). */
export type TraceHook = (pc: number, regs: readonly bigint[]) => void;

/** A program loaded into an engine. */
export interface Executable {
  /**
   * Runs from slot 0 with r1..r5 = args (missing ones 0) and a fresh stack;
   * returns r0. `env` carries the helpers' shared state (ctx, tail calls).
   */
  run(args: readonly bigint[], env?: HelperContext): bigint;
  /**
   * Optional: a function for many runs on `env` with r1 = its argument (the
   * rest 0), as run(), for a caller that resets `env` before each run and
   * never runs on it twice at once (a hook's attachment). Engines may do
   * once here what run() does per run; null when they have nothing to do
   * once for this program (the caller runs it with run()).
   */
  bind?(env: HelperContext): ((r1: bigint) => bigint) | null;
  /** Instructions executed by the last run (the JIT counts only when budgeted). */
  readonly lastInstructionCount: number;
}
