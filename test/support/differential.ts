// Runs one program under the conformance calling convention in the
// interpreter (or any engine) and in the kernel, and says where they disagree.
import { createInterpreter } from '../../src/engine/interpreter/index.js';
import type { EngineFactory } from '../../src/engine/select.js';
import type { Instruction } from '../../src/isa/instruction.js';
import { runInKernel } from '../../src/kernel/index.js';
import { Arena } from '../../src/memory/arena.js';

export interface ConventionResult {
  readonly r0: bigint;
  readonly mem: Uint8Array;
}

let arena: Arena | undefined;

/**
 * Runs `insns` on an engine (default the interpreter) with r1 = a copy of
 * `mem`, r2 = its length, no helpers, region checks on. One arena serves
 * every run, so thousands of runs stay cheap.
 */
export function runOnEngine(insns: readonly Instruction[], mem: Uint8Array, create: EngineFactory = createInterpreter): ConventionResult {
  arena ??= new Arena();
  const offset = arena.alloc(Math.max(mem.length, 1));
  const region = arena.addRegion(offset, mem.length, 'ctx', 'mem');
  const exe = create({ insns }, { arena, helpers: new Map() });
  try {
    arena.bytes.set(mem, offset);
    const r0 = exe.run([arena.pointer(offset), BigInt(mem.length)]);
    return { r0: BigInt.asUintN(64, r0), mem: arena.bytes.slice(offset, offset + mem.length) };
  } finally {
    (exe as { dispose?: () => void }).dispose?.();
    arena.removeRegion(region);
    arena.free(offset);
  }
}

/** What differs between the two runs, in words, or null when they agree. */
export function disagreement(interp: ConventionResult, kernel: ConventionResult): string | null {
  const diffs: string[] = [];
  if (interp.r0 !== kernel.r0) diffs.push(`r0: interpreter 0x${interp.r0.toString(16)}, kernel 0x${kernel.r0.toString(16)}`);
  for (let i = 0; i < Math.max(interp.mem.length, kernel.mem.length); i++) {
    if (interp.mem[i] !== kernel.mem[i]) {
      diffs.push(`mem[${i}]: interpreter 0x${hex(interp.mem[i])}, kernel 0x${hex(kernel.mem[i])}`);
      if (diffs.length > 8) break;
    }
  }
  return diffs.length ? diffs.join('; ') : null;
}

export const runInInterpreter = (insns: readonly Instruction[], mem: Uint8Array): ConventionResult => runOnEngine(insns, mem);

function hex(b: number | undefined): string {
  return b === undefined ? '--' : b.toString(16).padStart(2, '0');
}

/** Both runs and their disagreement (null when equal). */
export function compareWithKernel(insns: readonly Instruction[], mem: Uint8Array): { interp: ConventionResult; kernel: ConventionResult; diff: string | null } {
  const kernel = runInKernel(insns, mem);
  const interp = runInInterpreter(insns, mem);
  return { interp, kernel, diff: disagreement(interp, kernel) };
}
