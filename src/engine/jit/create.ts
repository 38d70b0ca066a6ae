import type { ProgramImage } from '../executable.js';
import { compileProgram } from './compile.js';
import { allocateStack, JitExecutable, releaseStack, STACK_BYTES } from './executable.js';
import type { JitOptions } from './options.js';

/**
 * Compiles a program (with its bpf-to-bpf sub-programs) into one WebAssembly
 * module over the arena's memory and instantiates it. Throws DecodeError or
 * UnresolvedReferenceError for a malformed program, as the interpreter does.
 * `checked` (default true) checks every load and store against the arena's
 * regions; `budget` bounds the instructions a run may execute.
 */
export function createJit(image: ProgramImage, options: JitOptions): JitExecutable {
  const started = performance.now();
  const stack = allocateStack(options.arena);
  try {
    const program = compileProgram(image.insns, {
      helpers: options.helpers,
      checked: options.checked ?? true,
      budgeted: options.budget !== undefined,
      stackStart: stack.start,
      stackBytes: STACK_BYTES,
      inliners: options.inliners,
      verifiedStackDepth: options.verifiedStackDepth,
    });
    return new JitExecutable(program, image.insns, options, stack, {
      compileMs: performance.now() - started,
      slots: image.insns.length,
      wasmBytes: program.bytes.length,
      functions: program.functions.size,
      irreducible: program.irreducible,
    });
  } catch (err) {
    releaseStack(options.arena, stack);
    throw err;
  }
}
