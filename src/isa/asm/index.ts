export { assemble, assembleLlvm, assembleConformance, assembleDetailed } from './assemble.js';
export type { AsmSyntax, AsmOptions, AsmResult } from './assemble.js';
