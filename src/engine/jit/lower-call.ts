import type { Instruction } from '../../isa/instruction.js';
import * as op from '../../isa/opcodes.js';
import { FaultKind } from './compile-context.js';
import type { FunctionEmitter } from './function-emitter.js';
import { constantBefore, type HostFunction, type InlineSite } from './inline.js';
import { Op, VOID } from './wasm-opcodes.js';

/**
 * Calls: helpers through their imports (r1..r5 in, r0 out, then a look at
 * the stop flag), bpf-to-bpf calls as WebAssembly calls with a frame 512
 * bytes below the caller's (at most 8 frames), callx through the
 * dispatcher, kfuncs as a run-time error.
 */
export function lowerCall(e: FunctionEmitter, pc: number, insn: Instruction): void {
  if (op.opSource(insn.opcode) === op.BPF_X) {
    lowerCallx(e, pc, insn);
    return;
  }
  switch (insn.src) {
    case op.BPF_HELPER_CALL:
      lowerHelperCall(e, pc, insn.imm);
      return;
    case op.BPF_PSEUDO_CALL:
      lowerLocalCall(e, pc, pc + insn.imm + 1);
      return;
    default:
      e.emitFault(pc, FaultKind.Kfunc);
  }
}

function lowerHelperCall(e: FunctionEmitter, pc: number, id: number): void {
  const ctx = e.ctx;
  const inliner = ctx.inliners.get(id);
  if (inliner) {
    const site: InlineSite = {
      helperId: id,
      pc,
      emitter: e,
      constantBefore: (reg: number) => constantBefore(ctx.insns, ctx.cfg, pc, reg),
      emitHelperCall: () => emitHelperImportCall(e, pc, id),
      emitRunCpu: () => e.globalGet(ctx.globals.cpu),
      emitHostCall: (fn, args) => emitHostCall(e, fn, args),
    };
    if (inliner(site)) return;
  }
  emitHelperImportCall(e, pc, id);
}

function emitHostCall(e: FunctionEmitter, fn: HostFunction, args: ReadonlyArray<() => void>): void {
  const ctx = e.ctx;
  if (ctx.imports.host < 0) throw new Error('jit: a host call without the host import');
  if (args.length > 4) throw new Error('jit: a host call takes at most four arguments');
  let index = ctx.hostFunctions.indexOf(fn);
  if (index < 0) index = ctx.hostFunctions.push(fn) - 1;
  e.spillBudget();
  e.i32(index);
  for (const push of args) push();
  for (let i = args.length; i < 4; i++) e.i32(0);
  e.call(ctx.imports.host);
  // (checked mode: the function may have changed the regions; unchecked code has nothing to reload)
  e.reloadAfterCall();
}

/** The helper's import (or the by-id dispatcher for ids the table lacks), then the stop check. */
function emitHelperImportCall(e: FunctionEmitter, pc: number, id: number): void {
  const ctx = e.ctx;
  const bound = ctx.imports.helpers.get(id);
  e.spillBudget();
  e.i32(pc);
  if (bound === undefined) e.i64(id);
  for (let r = 1; r <= 5; r++) e.get(r);
  e.call(bound ?? ctx.imports.helperById);
  e.set(0);
  e.reloadAfterCall();
  e.emitStopCheck();
}

/** Throws the too-many-frames error when called from the deepest frame allowed. */
function emitDepthCheck(e: FunctionEmitter, pc: number): void {
  e.get(op.BPF_REG_10);
  e.globalGet(e.ctx.globals.fpLimit);
  e.w.u8(Op.i64_eq);
  e.w.u8x2(Op.if, VOID);
  e.emitFault(pc, FaultKind.TooDeep);
  e.w.u8(Op.end);
}

function lowerLocalCall(e: FunctionEmitter, pc: number, target: number): void {
  const callee = e.ctx.functions.get(target);
  if (!callee) throw new Error(`jit: no function compiled at slot ${target}`);
  emitDepthCheck(e, pc);
  e.spillBudget();
  e.get(op.BPF_REG_10);
  e.i64(op.MAX_BPF_STACK);
  e.w.u8(Op.i64_sub);
  for (const r of callee.params) e.get(r);
  e.call(callee.index);
  for (let i = callee.results.length - 1; i >= 0; i--) e.set(callee.results[i]);
  e.reloadAfterCall();
  e.emitStopCheck();
}

function lowerCallx(e: FunctionEmitter, pc: number, insn: Instruction): void {
  const callx = e.ctx.callx;
  if (!callx) throw new Error('jit: callx without a dispatcher');
  e.spillBudget();
  e.i32(pc);
  e.get(insn.dst);
  e.get(op.BPF_REG_10);
  for (let r = 0; r <= 9; r++) e.get(r);
  e.call(callx.index);
  for (let i = callx.results.length - 1; i >= 0; i--) e.set(callx.results[i]);
  e.reloadAfterCall();
  e.emitStopCheck();
}
