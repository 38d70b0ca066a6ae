import type { EngineOptions } from '../executable.js';
import type { SkbPacketResolver } from '../interpreter/options.js';
import type { HelperInliner } from './inline.js';

export interface JitOptions extends EngineOptions {
  /** Packet lookup for LD_ABS/LD_IND, as the interpreter's option of the same name (default: the conformance convention). */
  readonly skbPacket?: SkbPacketResolver;
  /** Code generators for helper calls, by helper id, used instead of calling the helper (see HelperInliner). */
  readonly inliners?: ReadonlyMap<number, HelperInliner>;
  /**
   * For verified programs run unchecked: the most stack bytes below its r10
   * any function of the program touches, as the verifier proved it
   * (VerifierStats.stackDepth, the maximum over sub-programs). A run then
   * zeroes only that much of each frame it can have, instead of the bound
   * the JIT can find itself (often the whole 4 KiB stack when there are calls).
   */
  readonly verifiedStackDepth?: number;
}

/** What compiling a program produced, for benchmarks and diagnostics. */
export interface JitStats {
  /** Wall time of createJit: analysis, code generation and WebAssembly compilation, in milliseconds. */
  readonly compileMs: number;
  /** Instruction slots compiled. */
  readonly slots: number;
  readonly wasmBytes: number;
  /** BPF functions (the entry and its sub-programs). */
  readonly functions: number;
  /** Functions whose control flow was irreducible and went through the dispatch loop. */
  readonly irreducible: number;
}
