export { createInterpreter } from './create.js';
export { InterpreterExecutable, STACK_BYTES } from './executable.js';
export type { InterpreterOptions, SkbPacket, SkbPacketResolver } from './options.js';
export { conformanceSkbPacket } from './packet.js';
export { MAX_TAIL_CALLS } from './helper-call.js';
export { UnresolvedReferenceError } from './errors.js';
