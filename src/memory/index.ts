export * from './arena.js';
export * from './region.js';
export * from './errors.js';
