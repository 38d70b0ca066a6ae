export { verify, verifyOrThrow } from './verify.js';
export type { VerifyOptions, VerifierResult, VerifierStats } from './verify.js';
export { VerifierError } from './errors.js';
export type { VerifierErrno } from './errors.js';
export type { MapDesc } from './maps.js';
export { progTypeRules, VERIFIABLE_PROG_TYPES } from './prog-type-rules.js';
export type { ProgTypeRules } from './prog-type-rules.js';
export { kernelInsnText } from './kernel-disasm.js';
