import { validateInstructions } from '../../isa/validate.js';
import type { ProgramImage } from '../executable.js';
import { InterpreterExecutable } from './executable.js';
import type { InterpreterOptions } from './options.js';
import { predecode } from './program.js';

/**
 * Loads a program into the interpreter: validates its instructions (DecodeError
 * naming the slot), pre-decodes them, and allocates its stack in the arena.
 */
export function createInterpreter(image: ProgramImage, options: InterpreterOptions): InterpreterExecutable {
  validateInstructions(image.insns);
  return new InterpreterExecutable(predecode(image.insns), options);
}
