import type { Instruction } from '../../isa/instruction.js';
import * as op from '../../isa/opcodes.js';
import type { BasicBlock } from './cfg.js';
import type { FunctionEmitter } from './function-emitter.js';
import { lowerInstruction } from './lower.js';
import { Op, VOID } from './wasm-opcodes.js';

/** Loads, stores, atomics and packet loads: what can fault or leave a trace in memory. */
function touchesMemory(insn: Instruction): boolean {
  const cls = op.opClass(insn.opcode);
  return cls === op.BPF_LDX || cls === op.BPF_ST || cls === op.BPF_STX || (cls === op.BPF_LD && insn.opcode !== op.LD_IMM64);
}

/**
 * Charges the block's instructions to the budget on entry. When fewer are
 * left, the error must name the same pc, after the same effects, as the
 * interpreter's count of every instruction: a block whose instructions
 * touch memory before its last one runs a copy of itself instruction by
 * instruction up to the one that exceeds the budget; any other block has
 * nothing observable to redo (registers die with the error), so the
 * `budgetAt` import finds that pc from the block's start.
 */
export function emitBudget(e: FunctionEmitter, block: BasicBlock, pcs: readonly number[]): void {
  const n = pcs.length;
  if (e.leftLocal >= 0) {
    e.localGet(e.leftLocal);
    e.i64(n);
    e.w.u8(Op.i64_sub);
    e.localTee(e.leftLocal);
    e.localTee(e.tmpBudget);
  } else {
    const left = e.ctx.globals.left;
    e.globalGet(left);
    e.i64(n);
    e.w.u8(Op.i64_sub);
    e.localTee(e.tmpBudget);
    e.globalSet(left);
    e.localGet(e.tmpBudget);
  }
  e.i64(0);
  e.w.u8(Op.i64_lt_s);
  e.w.u8x2(Op.if, VOID);
  if (!pcs.slice(0, n - 1).some((pc) => touchesMemory(e.ctx.insns[pc]))) {
    // instructions run before the failing one: left + n
    e.i32(block.start);
    e.localGet(e.tmpBudget);
    e.w.u8(Op.i32_wrap_i64);
    e.i32(n);
    e.w.u8(Op.i32_add);
    e.call(e.ctx.imports.budgetAt);
    e.w.u8(Op.unreachable);
    e.w.u8(Op.end);
    return;
  }
  for (let i = 0; i < n - 1; i++) {
    e.localGet(e.tmpBudget);
    e.i64(i - n);
    e.w.u8(Op.i64_eq);
    e.w.u8x2(Op.if, VOID);
    e.i32(pcs[i]);
    e.call(e.ctx.imports.budget);
    e.w.u8(Op.unreachable); // the import throws: nothing stays live across it
    e.w.u8(Op.end);
    lowerInstruction(e, pcs[i]);
  }
  e.i32(pcs[n - 1]);
  e.call(e.ctx.imports.budget);
  e.w.u8(Op.unreachable);
  e.w.u8(Op.end);
}
