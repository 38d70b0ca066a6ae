// Runs one program in one engine on a copy of a memory block and records
// everything observable: r0 or the error (class, message), the memory after
// the run, the instruction count. Two engines agree when these are equal.
import type { HelperTable } from '../../src/engine/abi.js';
import type { EngineOptions, Executable, ProgramImage } from '../../src/engine/executable.js';
import type { Instruction } from '../../src/isa/instruction.js';
import { Arena } from '../../src/memory/arena.js';

export type Factory = (image: ProgramImage, options: EngineOptions) => Executable & { dispose?(): void };

export interface Outcome {
  /** r0 as unsigned hex, or the error as `Class: message`. */
  readonly result: string;
  /** The memory block after the run, as hex. */
  readonly mem: string;
  /** Instructions executed (budgeted runs; -1 without a budget, where the JIT does not count). */
  readonly count: number;
}

export interface OutcomeOptions {
  readonly checked?: boolean;
  readonly budget?: number;
  readonly helpers?: HelperTable;
  /** Region kind of the memory block (default `ctx`). */
  readonly writable?: boolean;
}

/**
 * A fresh arena with the memory block allocated first, so that every engine
 * sees the same addresses (r0 may hold a pointer); r1 = its address, r2 = its length.
 */
export function outcomeOf(create: Factory, insns: readonly Instruction[], mem: Uint8Array, options: OutcomeOptions = {}): Outcome {
  const arena = new Arena();
  const at = arena.alloc(Math.max(mem.length, 1));
  arena.addRegion(at, mem.length, 'ctx', 'mem', options.writable ?? true);
  arena.bytes.set(mem, at);
  let exe: (Executable & { dispose?(): void }) | undefined;
  let result: string;
  try {
    exe = create({ insns }, { arena, helpers: options.helpers ?? new Map(), checked: options.checked, budget: options.budget });
    result = `0x${BigInt.asUintN(64, exe.run([arena.pointer(at), BigInt(mem.length)])).toString(16)}`;
  } catch (err) {
    if (!(err instanceof Error)) throw err;
    result = `${err.name}: ${err.message}`;
  }
  const out = { result, mem: Buffer.from(arena.bytes.subarray(at, at + mem.length)).toString('hex'), count: options.budget === undefined ? -1 : exe?.lastInstructionCount ?? -1 };
  exe?.dispose?.();
  return out;
}

/** Where two outcomes differ, in words, or null. */
export function outcomeDiff(a: Outcome, b: Outcome, names: [string, string] = ['interpreter', 'jit']): string | null {
  const diffs: string[] = [];
  if (a.result !== b.result) diffs.push(`result: ${names[0]} ${a.result}, ${names[1]} ${b.result}`);
  if (a.mem !== b.mem) diffs.push(`memory: ${names[0]} ${a.mem}, ${names[1]} ${b.mem}`);
  if (a.count !== b.count) diffs.push(`instructions: ${names[0]} ${a.count}, ${names[1]} ${b.count}`);
  return diffs.length ? diffs.join('\n') : null;
}
