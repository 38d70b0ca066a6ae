import type { Arena } from '../memory/arena.js';

/**
 * Value that `lddw rX, func` (BPF_PSEUDO_FUNC) loads and `callx` takes: the
 * address of instruction slot `i` is CODE_BASE + 8*i, outside the arena. A
 * `callx` whose register holds any other value calls the helper of that id
 * (the conformance suite's convention).
 */
export const CODE_BASE = 0xffff_ffff_a000_0000n;

export const codeAddress = (slot: number): bigint => CODE_BASE + BigInt(slot) * 8n;

/** What a helper asks the engine to do after it returns. */
export enum HelperControl {
  None = 0,
  /** End the program now with `exitValue` in r0. */
  Exit = 1,
  /** End this program and run `tailCallTarget` with the same ctx (bpf_tail_call). */
  TailCall = 2,
}

/** A program an engine can tail-call into (a prog_array entry). */
export interface TailCallTarget {
  run(ctx: bigint, env: HelperContext): bigint;
}

/** State shared between an engine and the helpers it calls during one run. */
export interface HelperContext {
  readonly arena: Arena;
  /** Instruction index of the call being served. */
  pc: number;
  /** r1 at program entry (the ctx pointer). */
  ctx: bigint;
  control: HelperControl;
  exitValue: bigint;
  tailCallTarget: TailCallTarget | null;
  /** Tail calls taken in this run, limited to 33 as in the kernel. */
  tailCalls: number;
}

/** A helper implementation: r1..r5 in, r0 out, all as unsigned or signed 64-bit bigints. */
export type HelperFn = (env: HelperContext, r1: bigint, r2: bigint, r3: bigint, r4: bigint, r5: bigint) => bigint;

/** Helper implementations indexed by the kernel's helper id. */
export type HelperTable = ReadonlyMap<number, HelperFn>;

export function newHelperContext(arena: Arena, ctx = 0n): HelperContext {
  return { arena, pc: 0, ctx, control: HelperControl.None, exitValue: 0n, tailCallTarget: null, tailCalls: 0 };
}

/** Makes a helper context reused from an earlier run ready for a new run with r1 = ctx. */
export function resetRunState(env: HelperContext, ctx: bigint): void {
  env.pc = 0;
  env.ctx = ctx;
  env.control = HelperControl.None;
  env.exitValue = 0n;
  env.tailCallTarget = null;
  env.tailCalls = 0;
}
