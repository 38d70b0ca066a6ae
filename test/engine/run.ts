// Runs instruction lists in the interpreter for the engine tests.
import type { HelperTable } from '../../src/engine/abi.js';
import { createInterpreter, type InterpreterOptions } from '../../src/engine/interpreter/index.js';
import type { Instruction } from '../../src/isa/instruction.js';
import { Arena } from '../../src/memory/arena.js';

export interface Loaded {
  arena: Arena;
  /** Arena offset of the `memory` region (-1 without memory). */
  at: number;
  pointer: bigint;
  run(): bigint;
  count(): number;
}

/** Loads `insns` with `mem` as a writable region `memory`; run() passes r1 = its address, r2 = its length. */
export function load(
  insns: readonly Instruction[],
  mem: Uint8Array = new Uint8Array(0),
  options: Partial<Omit<InterpreterOptions, 'arena'>> & { helpers?: HelperTable; arena?: Arena } = {},
): Loaded {
  const arena = options.arena ?? new Arena();
  const exe = createInterpreter({ insns }, { ...options, arena, helpers: options.helpers ?? new Map() });
  let at = -1;
  let pointer = 0n;
  if (mem.length > 0) {
    at = arena.alloc(mem.length);
    arena.bytes.set(mem, at);
    arena.addRegion(at, mem.length, 'mem', 'memory');
    pointer = arena.pointer(at);
  }
  return {
    arena,
    at,
    pointer,
    run: () => exe.run([pointer, BigInt(mem.length)]),
    count: () => exe.lastInstructionCount,
  };
}

/** r0 of a run of `insns` (with optional memory). */
export function run(insns: readonly Instruction[], mem?: Uint8Array, options?: Parameters<typeof load>[2]): bigint {
  return load(insns, mem, options).run();
}
