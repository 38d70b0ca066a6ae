// A long program for compile-time measurements: the compute bodies repeated
// `copies` times (labels renamed), restarting at the packet each time.
import { assemble } from '../src/isa/asm/index.js';
import type { Instruction } from '../src/isa/instruction.js';
import { COMPUTE_PROGRAMS } from './compute-programs.js';

export const VM_PROLOGUE = 'r3 = r1\nr3 += r2\nr2 = r1\nr9 = r2\n';
export const EPILOGUE = 'r4 = r9\nr4 += 8\nif r4 > r3 goto bench_exit\n*(u64 *)(r9 + 0) = r0\nbench_exit:\nr0 = 2\nexit\n';

export function longProgram(copies: number): Instruction[] {
  let text = 'r8 = r1\nr7 = r2\n';
  for (let i = 0; i < copies; i++) {
    const program = COMPUTE_PROGRAMS[i % COMPUTE_PROGRAMS.length];
    text += 'r1 = r8\nr2 = r7\n' + VM_PROLOGUE + program.body.replace(/\b[a-z]+_[a-z]+\b/g, (label) => `${label}_${i}`);
  }
  return assemble(text + EPILOGUE);
}
