import { TsbpfError } from '../errors.js';
import type { EngineOptions, Executable, ProgramImage } from './executable.js';
import { createInterpreter } from './interpreter/create.js';
import { createJit } from './jit/create.js';

/** Engines the CLI and the conformance harness can pick by name. */
export type EngineName = 'interp' | 'jit';
export const ENGINE_NAMES: readonly EngineName[] = ['interp', 'jit'];

export type EngineFactory = (image: ProgramImage, options: EngineOptions) => Executable;

/** The engine asked for does not exist (yet) or is unknown. */
export class EngineUnavailableError extends TsbpfError {}

/** The one place where an engine name becomes a factory. */
export function engineFactory(name: string): EngineFactory {
  switch (name) {
    case 'interp':
      return createInterpreter;
    case 'jit':
      return createJit;
    default:
      throw new EngineUnavailableError(`unknown engine "${name}" (expected one of: ${ENGINE_NAMES.join(', ')})`);
  }
}
