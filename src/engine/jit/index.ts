export { createJit } from './create.js';
export { JitExecutable } from './executable.js';
export type { JitOptions, JitStats } from './options.js';
export type { HelperInliner, InlineSite } from './inline.js';
export { JitCompileError, JitTrapError, JitUnsupportedError } from './errors.js';
