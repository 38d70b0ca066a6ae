import type { Instruction } from '../../isa/instruction.js';
import type { ControlFlowGraph } from './cfg.js';
import type { HelperInliner, HostFunction } from './inline.js';

/** A compiled function's WebAssembly signature: fp, then its live-in registers; its returned registers (r0 first). */
export interface FunctionSignature {
  readonly entry: number;
  readonly index: number;
  readonly params: readonly number[];
  readonly results: readonly number[];
}

/** Indices of the module's imported functions (-1 when the program does not need one). */
export interface ImportIndices {
  /** Import of each helper the helper table provides, by helper id. */
  readonly helpers: ReadonlyMap<number, number>;
  /** (pc, id: i64, r1..r5) -> r0: a helper by run-time id (callx with a helper id, ids absent at compile time). */
  readonly helperById: number;
  /** (pc, kind): throws the run-time error of a fault (see FaultKind). */
  readonly fault: number;
  /** (block start, instructions run): throws BudgetExceededError at the next instruction of the block. */
  readonly budgetAt: number;
  /** (offset: i64, size, write, pc): checked mode's slow path of a load or store. */
  readonly miss: number;
  /** (pc, r6, offset: i32, size) -> value or -1: LD_ABS / LD_IND. */
  readonly packetLoad: number;
  /** (function, a, b, c, d: i32) -> i32: the host functions inliners call (declared when there are inliners). */
  readonly host: number;
}

/** Indices of the module's globals. */
export interface GlobalIndices {
  /** i32: nonzero when the program must stop (a helper ended it or asked for a tail call). */
  readonly stop: number;
  /** i64: instructions left in the budget (budgeted programs). */
  readonly left: number;
  /** i64: r10 of the deepest frame allowed; a call from it is one too many. */
  readonly fpLimit: number;
  /** i32: the run's CPU (RunSettings.cpu; -1 when it is not a CPU number), for inlined per-CPU map lookups. */
  readonly cpu: number;
  /** i64 start and i64 limits per access size (1, 2, 4, 8) of the cached read region, then of the write region. */
  readonly cache: readonly number[];
  /** i64 scratch (checked mode): a function's locals, parked here around the region-miss call. */
  readonly save: readonly number[];
}

/** Runtime errors the generated code raises through the `fault` import. */
export const enum FaultKind {
  /** A bpf-to-bpf call from the eighth frame. */
  TooDeep = 0,
  /** Execution reached a slot with no instruction (past the end, or an lddw's second half). */
  InvalidSlot = 1,
  /** A kfunc call (src = 2), which tsbpf does not run. */
  Kfunc = 2,
}

/** Everything the instruction lowering needs to know about the program and the module. */
export interface CompileContext {
  readonly insns: readonly Instruction[];
  readonly cfg: ControlFlowGraph;
  readonly checked: boolean;
  readonly budgeted: boolean;
  readonly imports: ImportIndices;
  readonly globals: GlobalIndices;
  /** Signature of each function, by entry slot. */
  readonly functions: ReadonlyMap<number, FunctionSignature>;
  /** The callx dispatcher, when the program has callx, and the registers it returns. */
  readonly callx: { readonly index: number; readonly results: readonly number[] } | null;
  /** Arena offset of the executable's own stack region (checked mode's fast path), and its size. */
  readonly stackStart: number;
  readonly stackBytes: number;
  readonly inliners: ReadonlyMap<number, HelperInliner>;
  /** Host functions inliners asked for, by the index the `host` import takes (filled while emitting). */
  readonly hostFunctions: HostFunction[];
}
