import type { Instruction } from '../../isa/instruction.js';
import { imm64 } from '../../isa/instruction.js';
import * as op from '../../isa/opcodes.js';
import { writesRegister } from '../../isa/validate.js';
import type { ControlFlowGraph } from './cfg.js';
import type { FunctionEmitter } from './function-emitter.js';

/**
 * A JavaScript function that inlined code calls with up to four i32
 * arguments (arena offsets, sizes, flags) and an i32 result: no BigInt
 * crosses the boundary. It must not end the program or tail-call (errors it
 * throws end the run as a helper's would).
 */
export type HostFunction = (a: number, b: number, c: number, d: number) => number;

/** A helper call the JIT offers to an inliner. */
export interface InlineSite {
  readonly helperId: number;
  readonly pc: number;
  /** The function being built: `get`/`set` registers, emit code through `w`. */
  readonly emitter: FunctionEmitter;
  /**
   * The value a register certainly holds just before the call, when an
   * instruction of the same basic block set it to a constant (mov imm, lddw)
   * and nothing wrote it since; e.g. a map pointer in r1.
   */
  constantBefore(reg: number): bigint | undefined;
  /**
   * Emits the ordinary call of the helper (r1..r5 in, r0 out), for an
   * inliner's slow path: e.g. inside an `if` that its fast path declined.
   */
  emitHelperCall(): void;
  /** Pushes the run's CPU (i32; -1 when the run's cpu setting is not a CPU number). */
  emitRunCpu(): void;
  /**
   * Calls `fn` with the i32 values `args` push (at most four; missing ones
   * are 0) and leaves its i32 result on the stack. The cheap way to run
   * JavaScript from inlined code (a helper call passes and returns BigInts).
   */
  emitHostCall(fn: HostFunction, args: ReadonlyArray<() => void>): void;
}

/**
 * Emits a helper call's work in place of the import call (the extension
 * point for array-map lookups and other fast paths): it must leave the
 * result in r0, keep r1..r9 and the helper's semantics exactly, and not end
 * the program. Returns false to let the JIT call the helper normally.
 */
export type HelperInliner = (site: InlineSite) => boolean;

/** The constant `reg` holds before slot `pc`, tracked from the start of pc's basic block. */
export function constantBefore(insns: readonly Instruction[], cfg: ControlFlowGraph, pc: number, reg: number): bigint | undefined {
  let start = pc;
  while (start > 0 && cfg.blockAt[start] < 0) start--;
  let value: bigint | undefined;
  for (let i = start; i < pc; i += insns[i].opcode === op.LD_IMM64 ? 2 : 1) {
    const insn = insns[i];
    if (writesRegister(insn) !== reg) continue;
    if (insn.opcode === op.LD_IMM64) value = insn.src === 0 ? imm64(insns, i) : undefined;
    else if (insn.opcode === (op.BPF_ALU64 | op.BPF_MOV | op.BPF_K)) value = BigInt.asUintN(64, BigInt(insn.imm));
    else if (insn.opcode === (op.BPF_ALU | op.BPF_MOV | op.BPF_K)) value = BigInt(insn.imm >>> 0);
    else value = undefined;
  }
  return value;
}
