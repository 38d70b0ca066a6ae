// Hand-assembled programs for the hook tests, run by the interpreter.
import type { HelperFn } from '../../src/engine/abi.js';
import { engineFactory, type EngineName } from '../../src/engine/select.js';
import { assemble } from '../../src/isa/asm/index.js';
import { Arena } from '../../src/memory/arena.js';
import { executableProgram, type HookProgram } from '../../src/hooks/program.js';

export interface AsmProgramOptions {
  readonly type: string;
  readonly section?: string;
  readonly name?: string;
  readonly arena?: Arena;
  readonly helpers?: ReadonlyMap<number, HelperFn>;
  readonly maxCtxOffset?: number;
  /** Default the interpreter (checked). */
  readonly engine?: EngineName;
}

/** Assembles LLVM-syntax text into a hook program (checked mode, with a budget: these programs are not verified). */
export function asmProgram(text: string, options: AsmProgramOptions): HookProgram {
  const arena = options.arena ?? new Arena();
  const create = engineFactory(options.engine ?? 'interp');
  const exe = create({ insns: assemble(text) }, { arena, helpers: options.helpers ?? new Map(), checked: true, budget: 100_000 });
  return executableProgram(exe, { ...options, arena });
}

/** A helper table whose helper `id` records r1 of each call into `log` and returns 0. */
export function recordingHelper(id: number, log: bigint[]): Map<number, HelperFn> {
  return new Map([[id, (_env, r1) => { log.push(r1); return 0n; }]]);
}
