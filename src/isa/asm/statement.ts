import type { Instruction } from '../instruction.js';
import { ldImm64 } from '../instruction.js';
import type { Cursor } from './cursor.js';
import { relative, type Target } from './operands.js';

/** A label reference still to be resolved into the first slot's `off` or `imm`. */
export interface Fixup {
  label: string;
  field: 'off' | 'imm';
  line: number;
  column: number;
}

/** What one source statement assembles to: one slot, or two for lddw. */
export interface Statement {
  insns: Instruction[];
  fixup?: Fixup;
}

export function insn(opcode: number, dst = 0, src = 0, off = 0, imm = 0): Instruction {
  return { opcode, dst, src, off, imm };
}

export function single(i: Instruction): Statement {
  return { insns: [i] };
}

export function lddw(dst: number, value: bigint, src = 0): Statement {
  return { insns: ldImm64(dst, value, src) };
}

/**
 * Puts a jump or call target into `field` of the (single-slot) instruction:
 * a numeric offset now, a label through a fixup once every label is known.
 */
export function targeted(c: Cursor, i: Instruction, target: Target, field: 'off' | 'imm'): Statement {
  if (target.kind === 'offset') {
    i[field] = relative(c, target.value, field, target.token);
    return single(i);
  }
  return { insns: [i], fixup: { label: target.name, field, line: c.line, column: target.token.column } };
}
