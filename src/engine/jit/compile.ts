import type { Instruction } from '../../isa/instruction.js';
import * as op from '../../isa/opcodes.js';
import { validateInstructions } from '../../isa/validate.js';
import type { HelperTable } from '../abi.js';
import { UnresolvedReferenceError } from '../interpreter/errors.js';
import { buildCfg, type ControlFlowGraph } from './cfg.js';
import type { CompileContext, FunctionSignature, GlobalIndices, ImportIndices } from './compile-context.js';
import { analyseGraph, type GraphShape } from './dominators.js';
import { callxBody, mainBody } from './entry-functions.js';
import { JitCompileError } from './errors.js';
import { FunctionEmitter, SAVED_LOCALS } from './function-emitter.js';
import type { HelperInliner, HostFunction } from './inline.js';
import { registersOf, solveLiveness, type FunctionLiveness } from './liveness.js';
import { stackZeroRanges } from './stack-use.js';
import { emitDispatch, emitStructured, type NodeEnd } from './structure.js';
import { ModuleBuilder } from './wasm-module.js';
import { I32, I64 } from './wasm-opcodes.js';

export interface CompileOptions {
  readonly helpers: HelperTable;
  readonly checked: boolean;
  readonly budgeted: boolean;
  /** Arena offset and size of the executable's stack region. */
  readonly stackStart: number;
  readonly stackBytes: number;
  readonly inliners?: ReadonlyMap<number, HelperInliner>;
  /** Unchecked code: the verifier's bound on the stack bytes any function touches (see stackZeroRanges). */
  readonly verifiedStackDepth?: number;
}

/** Where each function's code sits in the module, and which pcs its trapping instructions have. */
export interface TrapTable {
  /** Function index -> module offsets (ascending) and pcs of its memory accesses. */
  readonly functions: ReadonlyMap<number, { readonly offsets: Int32Array; readonly pcs: Int32Array }>;
}

/** The result of compiling: the module and what the runtime needs to instantiate and run it. */
export interface CompiledProgram {
  readonly module: WebAssembly.Module;
  readonly bytes: Uint8Array;
  /** Helper ids with an import of their own, in import order (`h<id>`). */
  readonly boundHelpers: readonly number[];
  readonly uses: { readonly helperById: boolean; readonly budget: boolean; readonly miss: boolean; readonly packetLoad: boolean; readonly host: boolean };
  /** What the `host` import calls, by index (see InlineSite.emitHostCall). */
  readonly hostFunctions: readonly HostFunction[];
  readonly trapTable: TrapTable;
  readonly cfg: ControlFlowGraph;
  /** Functions compiled, by entry slot. */
  readonly functions: ReadonlyMap<number, FunctionSignature>;
  /** Fallback dispatch loops used (functions whose graph is irreducible). */
  readonly irreducible: number;
}

const i64s = (n: number): number[] => new Array<number>(n).fill(I64);

/** Refuses lddw pseudo sources the loader should have resolved, as the interpreter does. */
function checkPseudoSources(insns: readonly Instruction[]): void {
  for (let i = 0; i < insns.length; i++) {
    const insn = insns[i];
    if (insn.opcode !== op.LD_IMM64) continue;
    if (insn.src !== 0 && insn.src !== op.BPF_PSEUDO_FUNC) throw new UnresolvedReferenceError(i, insn.src);
    i++;
  }
}

/** Compiles a validated program (with its sub-programs) to one WebAssembly module. */
export function compileProgram(insns: readonly Instruction[], options: CompileOptions): CompiledProgram {
  validateInstructions(insns);
  checkPseudoSources(insns);
  const cfg = buildCfg(insns);

  const shapes = new Map<number, GraphShape>();
  for (const entry of cfg.entries) {
    shapes.set(entry, analyseGraph(cfg.blockAt[entry], cfg.blocks.length, (b) => cfg.blocks[b].succ));
  }
  const liveness = solveLiveness(insns, cfg, shapes);

  const usedHelpers = new Set<number>();
  let callx = false;
  let packetLoad = false;
  let unboundHelper = false;
  for (let i = 0; i < insns.length; i++) {
    const insn = insns[i];
    if (insn.opcode === op.LD_IMM64) {
      i++;
      continue;
    }
    if (insn.opcode === (op.BPF_JMP | op.BPF_CALL | op.BPF_X)) callx = true;
    else if (insn.opcode === (op.BPF_JMP | op.BPF_CALL) && insn.src === op.BPF_HELPER_CALL) {
      // (an inlined helper keeps its import: the inliner may decline a call site)
      if (options.helpers.has(insn.imm)) usedHelpers.add(insn.imm);
      else unboundHelper = true;
    } else if (op.opClass(insn.opcode) === op.BPF_LD) packetLoad = true;
  }
  const helperById = callx || unboundHelper;

  const mb = new ModuleBuilder();
  mb.importMemory('env', 'memory', 0);
  const helperType = mb.type([I32, ...i64s(5)], [I64]);
  const boundHelpers = [...usedHelpers].sort((a, b) => a - b);
  const helperImports = new Map<number, number>();
  for (const id of boundHelpers) helperImports.set(id, mb.importFunction('env', `h${id}`, helperType));
  const imports: ImportIndices = {
    helpers: helperImports,
    helperById: helperById ? mb.importFunction('env', 'helperById', mb.type([I32, ...i64s(6)], [I64])) : -1,
    fault: mb.importFunction('env', 'fault', mb.type([I32, I32], [])),
    budgetAt: options.budgeted ? mb.importFunction('env', 'budgetAt', mb.type([I32, I32], [])) : -1,
    miss: options.checked ? mb.importFunction('env', 'miss', mb.type([I64, I32, I32, I32], [])) : -1,
    packetLoad: packetLoad ? mb.importFunction('env', 'packetLoad', mb.type([I32, I64, I32, I32], [I64])) : -1,
    host: options.inliners && options.inliners.size > 0 ? mb.importFunction('env', 'host', mb.type([I32, I32, I32, I32, I32], [I32])) : -1,
  };
  const globals: GlobalIndices = {
    stop: mb.addGlobal(I32, true),
    left: mb.addGlobal(I64, true),
    fpLimit: mb.addGlobal(I64, true),
    cpu: mb.addGlobal(I32, true),
    cache: options.checked ? Array.from({ length: 10 }, () => mb.addGlobal(I64, true)) : [],
    save: options.checked ? Array.from({ length: SAVED_LOCALS }, () => mb.addGlobal(I64, true)) : [],
  };
  mb.exportGlobal('stop', globals.stop);
  mb.exportGlobal('left', globals.left);
  mb.exportGlobal('fpLimit', globals.fpLimit);
  mb.exportGlobal('cpu', globals.cpu);
  globals.cache.forEach((g, i) => mb.exportGlobal(`cache${i}`, g));

  const functions = new Map<number, FunctionSignature>();
  for (const entry of cfg.entries) {
    const live = liveness.get(entry) as { liveIn: number; ret: number };
    const params = registersOf(live.liveIn);
    const results = registersOf(live.ret);
    const index = mb.declareFunction(mb.type(i64s(1 + params.length), i64s(results.length)));
    functions.set(entry, { entry, index, params, results });
  }
  const callxIndex = callx ? mb.declareFunction(mb.type([I32, ...i64s(12)], i64s(6))) : -1;
  const mainIndex = mb.declareFunction(mb.type(i64s(6), [I64]));
  mb.exportFunction('main', mainIndex);

  const ctx: CompileContext = {
    insns,
    cfg,
    checked: options.checked,
    budgeted: options.budgeted,
    imports,
    globals,
    functions,
    callx: callx ? { index: callxIndex, results: [0, 1, 2, 3, 4, 5] } : null,
    stackStart: options.stackStart,
    stackBytes: options.stackBytes,
    inliners: options.inliners ?? new Map(),
    hostFunctions: [],
  };

  const liveInOf = (entry: number): number => liveness.get(entry)?.liveIn ?? 0x3ff;
  const emitters: FunctionEmitter[] = [];
  let irreducible = 0;
  for (const [entry, sig] of functions) {
    const shape = shapes.get(entry) as GraphShape;
    const emitter = new FunctionEmitter(ctx, sig, shape, liveness.get(entry) as FunctionLiveness, liveInOf);
    const ends = nodeEnds(cfg, shape);
    if (shape.reducible) {
      emitStructured(shape, ends, emitter);
    } else {
      irreducible++;
      emitter.dispatch = true;
      emitDispatch(shape, ends, emitter, emitter.label);
    }
    mb.define(sig.index, emitter.finish());
    emitters.push(emitter);
  }
  if (callx) mb.define(callxIndex, callxBody(ctx));
  mb.define(mainIndex, mainBody(functions.get(0) as FunctionSignature, stackZeroRanges(insns, cfg, options.checked, options.verifiedStackDepth)));

  const { bytes, codeOffsets } = mb.encode();
  const firstDefined = Math.min(...[...functions.values()].map((f) => f.index));
  const trapFunctions = new Map<number, { offsets: Int32Array; pcs: Int32Array }>();
  emitters.forEach((em) => {
    const base = codeOffsets[em.sig.index - firstDefined];
    trapFunctions.set(em.sig.index, {
      offsets: Int32Array.from(em.trapOffsets, (o) => o + base),
      pcs: Int32Array.from(em.trapPcs),
    });
  });

  let module: WebAssembly.Module;
  try {
    module = new WebAssembly.Module(bytes as Uint8Array<ArrayBuffer>);
  } catch (err) {
    if (err instanceof WebAssembly.CompileError) throw new JitCompileError(insns.length, err.message);
    throw err;
  }
  return {
    module,
    bytes,
    boundHelpers,
    uses: { helperById, budget: options.budgeted, miss: options.checked, packetLoad, host: imports.host >= 0 },
    hostFunctions: ctx.hostFunctions,
    trapTable: { functions: trapFunctions },
    cfg,
    functions,
    irreducible,
  };
}

/** How each node of a function's graph ends, in the graph's local indices. */
function nodeEnds(cfg: ControlFlowGraph, shape: GraphShape): NodeEnd[] {
  return shape.blocks.map((b, i) => {
    const term = cfg.blocks[b].term;
    const succ = shape.succs[i];
    switch (term.kind) {
      case 'exit':
      case 'invalid':
        return { kind: 'leave' };
      case 'cond':
        return { kind: 'cond', taken: succ[0], fall: succ[1] };
      default:
        return { kind: 'jump', to: succ[0] };
    }
  });
}
