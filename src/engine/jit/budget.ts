import type { Instruction } from '../../isa/instruction.js';
import * as op from '../../isa/opcodes.js';
import type { FunctionEmitter } from './function-emitter.js';
import { Op, VOID } from './wasm-opcodes.js';

/** Loads, stores, atomics and packet loads: what can fault or leave a trace in memory. */
export function touchesMemory(insn: Instruction): boolean {
  const cls = op.opClass(insn.opcode);
  return cls === op.BPF_LDX || cls === op.BPF_ST || cls === op.BPF_STX || (cls === op.BPF_LD && insn.opcode !== op.LD_IMM64);
}

/**
 * The budget is charged per segment: a run of instructions of one basic
 * block that ends at the block's end or right after an instruction that
 * touches memory. `segments(pcs)` gives the length of the segment starting
 * at each index (0 elsewhere).
 *
 * This makes the JIT's budget exact with one check per segment: when fewer
 * instructions are left than the segment holds, the one that exceeds the
 * budget lies in it, and every instruction before it only changes registers,
 * which die with the error; so nothing needs replaying and the error names
 * the same pc, after the same effects, as the interpreter's count of every
 * instruction. A fault can only come from a segment's last instruction (a
 * load or store, or a call or packet load, which end blocks), so the count
 * after it is exact too.
 */
export function segments(insns: readonly Instruction[], pcs: readonly number[]): Int32Array {
  const lengths = new Int32Array(pcs.length);
  let start = 0;
  for (let i = 0; i < pcs.length; i++) {
    if (i === pcs.length - 1 || touchesMemory(insns[pcs[i]])) {
      lengths[start] = i - start + 1;
      start = i + 1;
    }
  }
  return lengths;
}

/**
 * Charges `count` instructions starting at slot `start`; when the budget
 * runs out among them, the `budgetAt` import throws BudgetExceededError at
 * the (left + count)-th of them.
 */
export function emitCharge(e: FunctionEmitter, start: number, count: number): void {
  if (e.leftLocal >= 0) {
    e.localGet(e.leftLocal);
    e.i64(count);
    e.w.u8(Op.i64_sub);
    e.localTee(e.leftLocal);
    e.localTee(e.tmpBudget);
  } else {
    const left = e.ctx.globals.left;
    e.globalGet(left);
    e.i64(count);
    e.w.u8(Op.i64_sub);
    e.localTee(e.tmpBudget);
    e.globalSet(left);
    e.localGet(e.tmpBudget);
  }
  e.i64(0);
  e.w.u8(Op.i64_lt_s);
  e.w.u8x2(Op.if, VOID);
  e.i32(start);
  e.localGet(e.tmpBudget);
  e.w.u8(Op.i32_wrap_i64);
  e.i32(count);
  e.w.u8(Op.i32_add);
  e.spillBudget();
  e.call(e.ctx.imports.budgetAt);
  e.w.u8(Op.unreachable); // the import throws: nothing stays live across it
  e.w.u8(Op.end);
}
