import { runUnderConformanceConvention } from '../engine/conformance-convention.js';
import { UnresolvedReferenceError } from '../engine/interpreter/errors.js';
import { EngineUnavailableError, engineFactory } from '../engine/select.js';
import { ElfError } from '../elf/errors.js';
import { TsbpfError } from '../errors.js';
import { AsmError, DecodeError } from '../isa/errors.js';
import type { Instruction } from '../isa/instruction.js';
import { CliInputError } from './errors.js';

export type Backend = 'vm' | 'kernel';

/** Instructions a program may run from the command line before it is stopped (it skipped verification). */
export const DEFAULT_CLI_BUDGET = 100_000_000;

export interface ConventionRunRequest {
  readonly insns: readonly Instruction[];
  readonly mem: Uint8Array;
  readonly engine: string;
  readonly backend: Backend;
  readonly budget?: number;
}

/**
 * Runs a program under the conformance calling convention (r1 = memory,
 * r2 = its length) on the chosen backend and engine; returns all 64 bits of r0.
 */
export async function runConventionProgram(request: ConventionRunRequest): Promise<bigint> {
  if (request.backend === 'kernel') {
    // Loaded on demand: the kernel backend binds libc through koffi.
    const { runInKernel } = await import('../kernel/run-in-kernel.js');
    return runInKernel(request.insns, request.mem).r0;
  }
  const create = engineFactory(request.engine);
  return runUnderConformanceConvention(request.insns, request.mem, create, { budget: request.budget ?? DEFAULT_CLI_BUDGET }).r0;
}

/**
 * Errors that mean the input was bad (exit 2) rather than that the program
 * was refused or failed at run time (exit 1).
 */
export function isBadInput(err: unknown): boolean {
  return err instanceof CliInputError || err instanceof AsmError || err instanceof DecodeError || err instanceof ElfError
    || err instanceof UnresolvedReferenceError || err instanceof EngineUnavailableError
    || (err instanceof TsbpfError && err.name === 'KernelRunInputError');
}

/** r0 as the CLI prints it: `0x` and lowercase hex of the unsigned 64-bit value. */
export const formatR0 = (r0: bigint): string => `0x${BigInt.asUintN(64, r0).toString(16)}`;
