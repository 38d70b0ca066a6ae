export * from './opcodes.js';
export * from './instruction.js';
export * from './encoding.js';
export * from './validate.js';
export * from './errors.js';
export * from './asm/index.js';
