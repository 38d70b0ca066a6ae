import * as op from '../../isa/opcodes.js';
import { CODE_BASE } from '../abi.js';
import { ByteWriter } from './byte-writer.js';
import type { CompileContext, FunctionSignature } from './compile-context.js';
import { FaultKind } from './compile-context.js';
import type { StackZeroRange } from './stack-use.js';
import type { FunctionBody } from './wasm-module.js';
import { I32, I64, Op, VOID } from './wasm-opcodes.js';

function local(w: ByteWriter, opcode: number, index: number): void {
  w.u8(opcode);
  w.uleb(index);
}

/**
 * The exported entry `main(fp0, r1..r5) -> r0`: zeroes the ranges of the
 * stack below fp0 that the program may read (see stack-use.ts), then calls
 * the program's first function with r0 and r6..r9 zero, keeping only r0 of
 * its results.
 */
export function mainBody(f0: FunctionSignature, zero: readonly StackZeroRange[]): FunctionBody {
  const w = new ByteWriter(64);
  for (const { below, bytes } of zero) {
    if (bytes <= SMALL_ZERO && bytes % 8 === 0) {
      zeroByStores(w, below, bytes);
      continue;
    }
    local(w, Op.local_get, 0);
    w.u8(Op.i32_wrap_i64);
    w.u8(Op.i32_const);
    w.sleb32(below);
    w.u8(Op.i32_sub);
    w.u8(Op.i32_const);
    w.sleb32(0);
    w.u8(Op.i32_const);
    w.sleb32(bytes);
    w.bytes(Uint8Array.of(0xfc, 0x0b, 0x00)); // memory.fill
  }
  local(w, Op.local_get, 0);
  for (const r of f0.params) {
    if (r >= 1 && r <= 5) {
      local(w, Op.local_get, r);
    } else {
      w.u8(Op.i64_const);
      w.sleb32(0);
    }
  }
  w.u8(Op.call);
  w.uleb(f0.index);
  for (let i = 1; i < f0.results.length; i++) w.u8(Op.drop);
  w.u8(Op.end);
  return { locals: [I32], code: w.view().slice() };
}

/** Ranges up to this many bytes are zeroed by i64 stores: memory.fill is a call out of the module, dearer for a few words. */
const SMALL_ZERO = 128;

/** main's i32 local (after fp0 and r1..r5): the base of a range zeroed by stores. */
const MAIN_BASE = 6;

/** Zeroes `bytes` bytes from `below` bytes under fp0 (local 0), one i64.store of 0 per word. */
function zeroByStores(w: ByteWriter, below: number, bytes: number): void {
  local(w, Op.local_get, 0);
  w.u8(Op.i32_wrap_i64);
  w.u8(Op.i32_const);
  w.sleb32(below);
  w.u8(Op.i32_sub);
  local(w, Op.local_set, MAIN_BASE);
  for (let at = 0; at < bytes; at += 8) {
    local(w, Op.local_get, MAIN_BASE);
    w.u8(Op.i64_const);
    w.sleb32(0);
    w.u8(Op.i64_store);
    w.u8(3);
    w.uleb(at);
  }
}

/**
 * callx's dispatcher `(pc, target, fp, r0..r9) -> r0..r5`: a target equal to
 * a function's code address calls that function (in a new frame); anything
 * else goes to the `helperById` import, which calls the helper of that id or
 * throws as the interpreter does. Registers a function does not return come
 * back unchanged (no callx site reads them).
 */
export function callxBody(ctx: CompileContext): FunctionBody {
  const w = new ByteWriter(256);
  const P_PC = 0;
  const P_TARGET = 1;
  const P_FP = 2;
  const reg = (r: number): number => 3 + r;
  const delta = 13;
  const out = (r: number): number => 14 + r;
  local(w, Op.local_get, P_TARGET);
  w.u8(Op.i64_const);
  w.sleb64(-CODE_BASE);
  w.u8(Op.i64_add);
  local(w, Op.local_set, delta);
  for (const fn of ctx.functions.values()) {
    local(w, Op.local_get, delta);
    w.u8(Op.i64_const);
    w.slebSafe(fn.entry * 8);
    w.u8(Op.i64_eq);
    w.u8x2(Op.if, VOID);
    // depth check, as for a bpf-to-bpf call
    local(w, Op.local_get, P_FP);
    w.u8(Op.global_get);
    w.uleb(ctx.globals.fpLimit);
    w.u8(Op.i64_eq);
    w.u8x2(Op.if, VOID);
    local(w, Op.local_get, P_PC);
    w.u8(Op.i32_const);
    w.sleb32(FaultKind.TooDeep);
    w.u8(Op.call);
    w.uleb(ctx.imports.fault);
    w.u8(Op.unreachable);
    w.u8(Op.end);
    local(w, Op.local_get, P_FP);
    w.u8(Op.i64_const);
    w.sleb32(op.MAX_BPF_STACK);
    w.u8(Op.i64_sub);
    for (const r of fn.params) local(w, Op.local_get, reg(r));
    w.u8(Op.call);
    w.uleb(fn.index);
    for (let i = fn.results.length - 1; i >= 0; i--) local(w, Op.local_set, out(fn.results[i]));
    for (let r = 0; r <= 5; r++) {
      if (fn.results.includes(r)) local(w, Op.local_get, out(r));
      else local(w, Op.local_get, reg(r));
    }
    w.u8(Op.return);
    w.u8(Op.end);
  }
  local(w, Op.local_get, P_PC);
  local(w, Op.local_get, P_TARGET);
  for (let r = 1; r <= 5; r++) local(w, Op.local_get, reg(r));
  w.u8(Op.call);
  w.uleb(ctx.imports.helperById);
  for (let r = 1; r <= 5; r++) local(w, Op.local_get, reg(r));
  w.u8(Op.end);
  return { locals: [I64, I64, I64, I64, I64, I64, I64], code: w.view().slice() };
}
