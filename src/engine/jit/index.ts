// The JIT: a program and its bpf-to-bpf sub-programs compiled to one
// WebAssembly module over the arena's memory, encoded straight to binary.
//
//   cfg.ts, dominators.ts      basic blocks, functions, reverse postorder, dominators
//   liveness.ts                which registers each function takes and returns
//   structure.ts               structured control flow (Ramsey's "Beyond Relooper";
//                              a dispatch loop for irreducible graphs)
//   function-emitter.ts,       one WebAssembly function per BPF function, one
//   lower*.ts, budget.ts       instruction at a time
//   entry-functions.ts         the exported `main` and callx's dispatcher
//   wasm-*.ts, byte-writer.ts  the binary encoder
//   executable.ts,             the run-time glue: helper imports, checked mode's
//   region-cache.ts, trap.ts   region misses, errors and traps mapped to pcs
//   inliners/                  fast paths for helper calls: map lookups in WebAssembly
export { createJit } from './create.js';
export { JitExecutable } from './executable.js';
export type { JitOptions, JitStats } from './options.js';
export type { HelperInliner, HostFunction, InlineSite } from './inline.js';
export { mapInliners } from './inliners/map-inliners.js';
export { MAX_INLINE_KEY } from './inliners/map-lookup.js';
export { JitCompileError, JitTrapError, JitUnsupportedError } from './errors.js';
