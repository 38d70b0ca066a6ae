// Random programs that the kernel's verifier accepts (privileged), for
// differential tests: interpreter against kernel, JIT against interpreter, and
// the verifier against the kernel.
//
// Every program follows the conformance calling convention (r1 = memory, r2 =
// its length) and the same memory layout (see MEM_*): random input bytes it
// reads, a scratch area it writes, and at exit a dump of r0..r8 and of its
// 64-byte stack, so that comparing memory after a run compares all of its
// state. Construction keeps the verifier's rules by design:
// - main keeps the memory pointer in r9 and never writes r9; sub-programs keep
//   their caller's stack pointer in r6; every other register an instruction
//   may read is initialised in the prologue, and r1..r5 are re-initialised after
//   every call (the verifier marks them unreadable);
// - memory accesses use constant offsets aligned to their size (the kernel
//   requires it on the stack and on a syscall program's context), the stack is
//   fully written before anything reads it, atomics touch only the stack
//   (and, with `kernelSafe`, the fetching ones a slot just set to a constant:
//   see test/kernel/KERNEL_BUGS.md);
// - jumps go forward to a unit boundary, except the back-edge of a counted
//   loop whose counter no other instruction touches;
// - immediate shifts are below the operand width, immediate divisors nonzero;
//   register shift counts are left unmasked (the ISA masks them);
// - sub-program i calls only sub-programs after it: no recursion, at most
//   1 + MAX_SUBPROGRAMS frames, 64 bytes of stack each.
import fc from 'fast-check';
import type { Instruction } from '../../src/isa/instruction.js';
import { ldImm64 } from '../../src/isa/instruction.js';
import * as op from '../../src/isa/opcodes.js';
import { disassembleProgram } from '../../src/isa/disasm/index.js';

/** Memory layout: [input | scratch | r0..r8 at exit | stack at exit]. */
export const MEM_INPUT = 0;
export const MEM_INPUT_SIZE = 64;
export const MEM_SCRATCH = 64;
export const MEM_SCRATCH_SIZE = 64;
export const MEM_REGS = 128;
export const MEM_STACK = MEM_REGS + 9 * 8;
export const STACK_BYTES = 64;
export const MEM_SIZE = MEM_STACK + STACK_BYTES;
export const MAX_SUBPROGRAMS = 3;

/** A generated program and the memory it runs on. */
export interface GeneratedProgram {
  readonly insns: Instruction[];
  /** Input bytes in the input area, zeros elsewhere: pass a copy to each engine. */
  readonly mem: Uint8Array;
  /** Slot index where each sub-program starts. */
  readonly subprograms: readonly number[];
}

export interface RandomProgramOptions {
  /** Most units in main (a unit is one to a dozen instructions). Default 24. */
  readonly maxUnits?: number;
  /** Default true. */
  readonly calls?: boolean;
  readonly loops?: boolean;
  readonly atomics?: boolean;
  /** Loads and stores on the memory at r1 (main only). Default true. */
  readonly memoryAccess?: boolean;
  /** Number of sub-programs at most (0..MAX_SUBPROGRAMS). Default MAX_SUBPROGRAMS. */
  readonly maxSubprograms?: number;
  /**
   * Steer clear of the kernel verifier bugs listed in test/kernel/KERNEL_BUGS.md
   * (default true). Turn off where no kernel is involved (interpreter against
   * JIT), so that those patterns are tested too.
   */
  readonly kernelSafe?: boolean;
}

// ---- the program as data (shrinks unit by unit, every shrink stays valid) ----

type Unit =
  | { readonly kind: 'insns'; readonly insns: readonly Instruction[] }
  | { readonly kind: 'if'; readonly cond: Instruction; readonly then: readonly Unit[] }
  | { readonly kind: 'ifelse'; readonly cond: Instruction; readonly a: readonly Unit[]; readonly b: readonly Unit[]; readonly gotol: boolean }
  | { readonly kind: 'loop'; readonly head: readonly Instruction[]; readonly body: readonly Unit[]; readonly tail: readonly Instruction[] }
  | { readonly kind: 'call'; readonly target: number; readonly reinit: readonly Instruction[] };

interface FunctionSpec {
  readonly prologue: readonly Instruction[];
  readonly body: readonly Unit[];
}

interface ProgramSpec {
  readonly main: FunctionSpec;
  readonly subs: readonly FunctionSpec[];
  readonly input: Uint8Array;
}

/** Which registers a function may read and write, and what its memory is. */
interface Scope {
  readonly pool: readonly number[];
  readonly main: boolean;
  readonly options: Required<RandomProgramOptions>;
}

// ---- instruction constructors ----

const insn = (opcode: number, dst = 0, src = 0, off = 0, imm = 0): Instruction => ({ opcode, dst, src, off, imm });
const SIZES = [op.BPF_B, op.BPF_H, op.BPF_W, op.BPF_DW] as const;
const MAIN_POOL = [0, 1, 2, 3, 4, 5, 6, 7, 8];
const SUB_POOL = [0, 1, 2, 3, 4, 5, 7, 8];
const CTX_REG = 9;
const PARENT_STACK_REG = 6;

// ---- arbitraries ----

const interestingImm = fc.oneof(
  fc.constantFrom(0, 1, -1, 2, 3, 7, 8, 31, 32, 33, 63, 64, 0xff, 0xffff, 0x7fff_ffff, -0x8000_0000, -2, 0x1000_0000),
  fc.integer({ min: -0x8000_0000, max: 0x7fff_ffff }),
  fc.integer({ min: -16, max: 16 }),
);
const nonzeroImm = interestingImm.map((v) => (v === 0 ? 1 : v));
const interestingImm64 = fc.oneof(
  fc.constantFrom(0x8000_0000_0000_0000n, 0xffff_ffffn, 0x1_0000_0000n, 0xffff_ffff_ffff_ffffn, 0x7fff_ffff_ffff_ffffn, 0x8000_0000n),
  fc.bigInt({ min: 0n, max: 0xffff_ffff_ffff_ffffn }),
);

const ALU_OPS = [op.BPF_ADD, op.BPF_SUB, op.BPF_MUL, op.BPF_DIV, op.BPF_OR, op.BPF_AND, op.BPF_LSH, op.BPF_RSH,
  op.BPF_NEG, op.BPF_MOD, op.BPF_XOR, op.BPF_MOV, op.BPF_ARSH];
const JMP_OPS = [op.BPF_JEQ, op.BPF_JGT, op.BPF_JGE, op.BPF_JSET, op.BPF_JNE, op.BPF_JSGT, op.BPF_JSGE,
  op.BPF_JLT, op.BPF_JLE, op.BPF_JSLT, op.BPF_JSLE];
const ATOMIC_OPS = [op.BPF_ADD, op.BPF_OR, op.BPF_AND, op.BPF_XOR, op.BPF_ADD | op.BPF_FETCH, op.BPF_OR | op.BPF_FETCH,
  op.BPF_AND | op.BPF_FETCH, op.BPF_XOR | op.BPF_FETCH, op.BPF_XCHG, op.BPF_CMPXCHG];

function aluArb(pool: readonly number[]): fc.Arbitrary<Instruction[]> {
  const reg = fc.constantFrom(...pool);
  const imm = fc.tuple(fc.boolean(), fc.constantFrom(...ALU_OPS), reg, interestingImm, nonzeroImm, fc.boolean())
    .map(([is64, code, dst, value, divisor, signed]) => {
      const cls = is64 ? op.BPF_ALU64 : op.BPF_ALU;
      const bits = is64 ? 64 : 32;
      if (code === op.BPF_NEG) return [insn(cls | code, dst)];
      if (code === op.BPF_DIV || code === op.BPF_MOD) return [insn(cls | code | op.BPF_K, dst, 0, signed ? 1 : 0, divisor)];
      if (code === op.BPF_LSH || code === op.BPF_RSH || code === op.BPF_ARSH) {
        return [insn(cls | code | op.BPF_K, dst, 0, 0, ((value % bits) + bits) % bits)];
      }
      return [insn(cls | code | op.BPF_K, dst, 0, 0, value)];
    });
  const regOp = fc.tuple(fc.boolean(), fc.constantFrom(...ALU_OPS.filter((c) => c !== op.BPF_NEG)), reg, reg, fc.boolean())
    .map(([is64, code, dst, src, signed]) => {
      const cls = is64 ? op.BPF_ALU64 : op.BPF_ALU;
      const off = (code === op.BPF_DIV || code === op.BPF_MOD) && signed ? 1 : 0;
      return [insn(cls | code | op.BPF_X, dst, src, off)];
    });
  // Shift by a register masked to the width first, as compilers emit it.
  const maskedShift = fc.tuple(fc.boolean(), fc.constantFrom(op.BPF_LSH, op.BPF_RSH, op.BPF_ARSH), reg, reg)
    .filter(([, , dst, src]) => dst !== src)
    .map(([is64, code, dst, src]) => {
      const cls = is64 ? op.BPF_ALU64 : op.BPF_ALU;
      return [insn(cls | op.BPF_AND | op.BPF_K, src, 0, 0, is64 ? 63 : 31), insn(cls | code | op.BPF_X, dst, src)];
    });
  const movsx = fc.tuple(fc.boolean(), reg, reg, fc.constantFrom(8, 16, 32))
    .map(([is64, dst, src, bits]) => [insn((is64 ? op.BPF_ALU64 : op.BPF_ALU) | op.BPF_MOV | op.BPF_X, dst, src, is64 ? bits : Math.min(bits, 16))]);
  const endian = fc.tuple(fc.constantFrom(0xd4, 0xdc, 0xd7), reg, fc.constantFrom(16, 32, 64))
    .map(([opcode, dst, width]) => [insn(opcode, dst, 0, 0, width)]);
  const lddw = fc.tuple(reg, interestingImm64).map(([dst, value]) => [...ldImm64(dst, value)]);
  return fc.oneof(
    { arbitrary: imm, weight: 6 },
    { arbitrary: regOp, weight: 6 },
    { arbitrary: maskedShift, weight: 1 },
    { arbitrary: movsx, weight: 1 },
    { arbitrary: endian, weight: 1 },
    { arbitrary: lddw, weight: 1 },
  );
}

/** A conditional jump with its offset left 0 (layout fills it). */
function condArb(pool: readonly number[]): fc.Arbitrary<Instruction> {
  return fc.tuple(fc.boolean(), fc.constantFrom(...JMP_OPS), fc.constantFrom(...pool), fc.option(fc.constantFrom(...pool)), interestingImm)
    .map(([is64, code, dst, src, imm]) => {
      const cls = is64 ? op.BPF_JMP : op.BPF_JMP32;
      return src === null ? insn(cls | code | op.BPF_K, dst, 0, 0, imm) : insn(cls | code | op.BPF_X, dst, src);
    });
}

/** An aligned offset for an access of `size` bytes in [base, base + span). */
function alignedOffset(base: number, span: number, size: number): fc.Arbitrary<number> {
  return fc.integer({ min: 0, max: span / size - 1 }).map((k) => base + k * size);
}

/** The memory regions of a scope's stack accesses: own frame via r10, and in sub-programs the caller's via r6. */
function stackBaseArb(scope: Scope): fc.Arbitrary<{ reg: number; base: number }> {
  const own = { reg: op.BPF_REG_10, base: -STACK_BYTES };
  return scope.main ? fc.constant(own) : fc.constantFrom(own, { reg: PARENT_STACK_REG, base: 0 });
}

function stackArb(scope: Scope): fc.Arbitrary<Instruction[]> {
  const reg = fc.constantFrom(...scope.pool);
  const sized = fc.constantFrom(...SIZES).chain((size) =>
    fc.tuple(fc.constant(size), stackBaseArb(scope).chain((b) => fc.tuple(fc.constant(b), alignedOffset(b.base, STACK_BYTES, op.sizeBytes(size))))));
  return fc.tuple(sized, fc.integer({ min: 0, max: 3 }), reg, interestingImm).map(([[size, [{ reg: base }, off]], kind, r, imm]) => {
    switch (kind) {
      case 0: return [insn(op.BPF_STX | op.BPF_MEM | size, base, r, off)];
      case 1: return [insn(op.BPF_ST | op.BPF_MEM | size, base, 0, off, imm)];
      case 2: return [insn(op.BPF_LDX | op.BPF_MEM | size, r, base, off)];
      default: return [insn(op.BPF_LDX | (size === op.BPF_DW ? op.BPF_MEM : op.BPF_MEMSX) | size, r, base, off)];
    }
  });
}

/**
 * An atomic operation on the stack. With `kernelSafe`, the fetching forms
 * (fetch_*, xchg, cmpxchg) first store a constant of their width in the slot:
 * the 6.18 kernel mis-verifies a fetch from a slot holding a value it tracks
 * (see KERNEL_BUGS.md in test/kernel), and then runs code it pruned as dead.
 */
function atomicArb(scope: Scope): fc.Arbitrary<Instruction[]> {
  const sized = fc.constantFrom(op.BPF_W, op.BPF_DW).chain((size) =>
    fc.tuple(fc.constant(size), stackBaseArb(scope).chain((b) => fc.tuple(fc.constant(b), alignedOffset(b.base, STACK_BYTES, op.sizeBytes(size))))));
  return fc.tuple(sized, fc.constantFrom(...ATOMIC_OPS), fc.constantFrom(...scope.pool), interestingImm)
    .map(([[size, [{ reg: base }, off]], code, src, imm]) => {
      const atomic = insn(op.BPF_STX | op.BPF_ATOMIC | size, base, src, off, code);
      const fetches = (code & op.BPF_FETCH) !== 0;
      return scope.options.kernelSafe && fetches ? [insn(op.BPF_ST | op.BPF_MEM | size, base, 0, off, imm), atomic] : [atomic];
    });
}

/** Loads from input and scratch, stores to scratch, through r9 (main only). */
function memoryArb(scope: Scope): fc.Arbitrary<Instruction[]> {
  const reg = fc.constantFrom(...scope.pool);
  return fc.tuple(fc.constantFrom(...SIZES), fc.integer({ min: 0, max: 3 }), reg, interestingImm, fc.nat()).map(([size, kind, r, imm, pick]) => {
    const bytes = op.sizeBytes(size);
    const load = MEM_INPUT + (pick % ((MEM_INPUT_SIZE + MEM_SCRATCH_SIZE) / bytes)) * bytes;
    const store = MEM_SCRATCH + (pick % (MEM_SCRATCH_SIZE / bytes)) * bytes;
    switch (kind) {
      case 0: return [insn(op.BPF_STX | op.BPF_MEM | size, CTX_REG, r, store)];
      case 1: return [insn(op.BPF_ST | op.BPF_MEM | size, CTX_REG, 0, store, imm)];
      case 2: return [insn(op.BPF_LDX | op.BPF_MEM | size, r, CTX_REG, load)];
      default: return [insn(op.BPF_LDX | (size === op.BPF_DW ? op.BPF_MEM : op.BPF_MEMSX) | size, r, CTX_REG, load)];
    }
  });
}

/** mov64 r1..r5 after a call (the verifier marks them unreadable). */
const reinitArb = fc.array(interestingImm, { minLength: 5, maxLength: 5 })
  .map((imms) => imms.map((imm, i) => insn(op.BPF_ALU64 | op.BPF_MOV | op.BPF_K, i + 1, 0, 0, imm)));

/** Straight-line units: what a loop body may hold. */
function simpleUnitArb(scope: Scope): fc.Arbitrary<Unit> {
  const arbs: Array<{ arbitrary: fc.Arbitrary<Instruction[]>; weight: number }> = [
    { arbitrary: aluArb(scope.pool), weight: 10 },
    { arbitrary: stackArb(scope), weight: 3 },
  ];
  if (scope.options.atomics) arbs.push({ arbitrary: atomicArb(scope), weight: 2 });
  if (scope.options.memoryAccess && scope.main) arbs.push({ arbitrary: memoryArb(scope), weight: 2 });
  return fc.oneof(...arbs).map((insns): Unit => ({ kind: 'insns', insns }));
}

function loopArb(scope: Scope): fc.Arbitrary<Unit> {
  // Not r0: cmpxchg in the body writes r0.
  return fc.constantFrom(...scope.pool.filter((r) => r !== 0)).chain((counter) => {
    const inner: Scope = { ...scope, pool: scope.pool.filter((r) => r !== counter) };
    return fc.tuple(
      fc.integer({ min: 1, max: 6 }), fc.boolean(), fc.constantFrom(op.BPF_JNE, op.BPF_JGT, op.BPF_JSGT),
      fc.array(simpleUnitArb(inner), { minLength: 1, maxLength: 4 }),
    ).map(([count, wide, code, body]): Unit => ({
      kind: 'loop',
      head: [insn((wide ? op.BPF_ALU64 : op.BPF_ALU) | op.BPF_MOV | op.BPF_K, counter, 0, 0, count)],
      body,
      tail: [
        insn((wide ? op.BPF_ALU64 : op.BPF_ALU) | op.BPF_ADD | op.BPF_K, counter, 0, 0, -1),
        insn((wide ? op.BPF_JMP : op.BPF_JMP32) | code | op.BPF_K, counter, 0, 0, 0),
      ],
    }));
  });
}

function unitArb(scope: Scope, depth: number): fc.Arbitrary<Unit> {
  const arbs: Array<{ arbitrary: fc.Arbitrary<Unit>; weight: number }> = [{ arbitrary: simpleUnitArb(scope), weight: 12 }];
  if (depth > 0) {
    const block = fc.array(unitArb(scope, depth - 1), { minLength: 0, maxLength: 4 });
    arbs.push({ arbitrary: fc.tuple(condArb(scope.pool), block).map(([cond, then]): Unit => ({ kind: 'if', cond, then })), weight: 3 });
    arbs.push({
      arbitrary: fc.tuple(condArb(scope.pool), block, block, fc.boolean()).map(([cond, a, b, gotol]): Unit => ({ kind: 'ifelse', cond, a, b, gotol })),
      weight: 1,
    });
  }
  if (scope.options.loops) arbs.push({ arbitrary: loopArb(scope), weight: 1 });
  if (scope.options.calls) {
    arbs.push({ arbitrary: fc.tuple(fc.nat(MAX_SUBPROGRAMS), reinitArb).map(([target, reinit]): Unit => ({ kind: 'call', target, reinit })), weight: 1 });
  }
  return fc.oneof(...arbs);
}

/** A register initialiser: mov32/mov64 imm, lddw, or (main) a load from the input. */
function initArb(dst: number, main: boolean): fc.Arbitrary<Instruction[]> {
  const arbs: Array<fc.Arbitrary<Instruction[]>> = [
    interestingImm.map((imm) => [insn(op.BPF_ALU64 | op.BPF_MOV | op.BPF_K, dst, 0, 0, imm)]),
    interestingImm.map((imm) => [insn(op.BPF_ALU | op.BPF_MOV | op.BPF_K, dst, 0, 0, imm)]),
    interestingImm64.map((v) => [...ldImm64(dst, v)]),
  ];
  if (main) {
    arbs.push(fc.tuple(fc.constantFrom(...SIZES), fc.nat(), fc.boolean()).map(([size, pick, sx]) => {
      const bytes = op.sizeBytes(size);
      const mode = sx && size !== op.BPF_DW ? op.BPF_MEMSX : op.BPF_MEM;
      return [insn(op.BPF_LDX | mode | size, dst, CTX_REG, MEM_INPUT + (pick % (MEM_INPUT_SIZE / bytes)) * bytes)];
    }));
    // Input loads twice as often: values the verifier cannot know.
    arbs.push(arbs[3]);
  }
  return fc.oneof(...arbs);
}

/** Writes every 8 bytes of the frame's stack: from an immediate or a register of the pool. */
function stackInitArb(pool: readonly number[]): fc.Arbitrary<Instruction[]> {
  return fc.array(fc.tuple(fc.boolean(), fc.constantFrom(...pool), interestingImm), { minLength: STACK_BYTES / 8, maxLength: STACK_BYTES / 8 })
    .map((slots) => slots.map(([fromReg, reg, imm], i) => {
      const off = -STACK_BYTES + 8 * i;
      return fromReg
        ? insn(op.BPF_STX | op.BPF_MEM | op.BPF_DW, op.BPF_REG_10, reg, off)
        : insn(op.BPF_ST | op.BPF_MEM | op.BPF_DW, op.BPF_REG_10, 0, off, imm);
    }));
}

function mainPrologueArb(): fc.Arbitrary<Instruction[]> {
  return fc.tuple(fc.tuple(...MAIN_POOL.map((r) => initArb(r, true))), stackInitArb(MAIN_POOL))
    .map(([inits, stack]) => [insn(op.BPF_ALU64 | op.BPF_MOV | op.BPF_X, CTX_REG, 1), ...inits.flat(), ...stack]);
}

/** r6 = caller's stack (passed in r5); r5, r0, r7, r8 = constants; own stack written. */
function subPrologueArb(): fc.Arbitrary<Instruction[]> {
  return fc.tuple(fc.tuple(...[5, 0, 7, 8].map((r) => initArb(r, false))), stackInitArb(SUB_POOL))
    .map(([inits, stack]) => [insn(op.BPF_ALU64 | op.BPF_MOV | op.BPF_X, PARENT_STACK_REG, 5), ...inits.flat(), ...stack]);
}

/** fast-check arbitrary of programs the kernel's verifier accepts (see the file comment). */
export function randomProgram(options: RandomProgramOptions = {}): fc.Arbitrary<GeneratedProgram> {
  const full: Required<RandomProgramOptions> = {
    maxUnits: options.maxUnits ?? 24,
    calls: options.calls ?? true,
    loops: options.loops ?? true,
    atomics: options.atomics ?? true,
    memoryAccess: options.memoryAccess ?? true,
    maxSubprograms: Math.min(MAX_SUBPROGRAMS, options.maxSubprograms ?? MAX_SUBPROGRAMS),
    kernelSafe: options.kernelSafe ?? true,
  };
  const mainScope: Scope = { pool: MAIN_POOL, main: true, options: full };
  const subScope: Scope = { pool: SUB_POOL, main: false, options: full };
  const main = fc.record({ prologue: mainPrologueArb(), body: fc.array(unitArb(mainScope, 2), { maxLength: full.maxUnits }) });
  const sub = fc.record({ prologue: subPrologueArb(), body: fc.array(unitArb(subScope, 1), { maxLength: Math.max(1, full.maxUnits >> 2) }) });
  const subs = full.calls && full.maxSubprograms > 0 ? fc.array(sub, { maxLength: full.maxSubprograms }) : fc.constant([]);
  const input = fc.uint8Array({ minLength: MEM_INPUT_SIZE, maxLength: MEM_INPUT_SIZE });
  return fc.record({ main, subs, input }).map(layoutProgram);
}

// ---- layout: units to instruction slots ----

interface CallFixup {
  readonly at: number;
  readonly callee: number;
}

function sizeOf(units: readonly Unit[], fn: number, subs: number): number {
  let n = 0;
  for (const u of units) {
    switch (u.kind) {
      case 'insns': n += u.insns.length; break;
      case 'if': n += 1 + sizeOf(u.then, fn, subs); break;
      case 'ifelse': n += 2 + sizeOf(u.a, fn, subs) + sizeOf(u.b, fn, subs); break;
      case 'loop': n += u.head.length + sizeOf(u.body, fn, subs) + u.tail.length; break;
      case 'call': n += u.reinit.length + (calleeOf(u.target, fn, subs) === null ? 0 : 3); break;
    }
  }
  return n;
}

/** The sub-program a call unit in function `fn` (-1 for main) targets: always a later one, or none. */
function calleeOf(target: number, fn: number, subs: number): number | null {
  const later = subs - fn - 1;
  return later > 0 ? fn + 1 + (target % later) : null;
}

function emitUnits(units: readonly Unit[], fn: number, subs: number, out: Instruction[], calls: CallFixup[]): void {
  for (const u of units) {
    switch (u.kind) {
      case 'insns':
        out.push(...u.insns);
        break;
      case 'if':
        out.push({ ...u.cond, off: sizeOf(u.then, fn, subs) });
        emitUnits(u.then, fn, subs, out, calls);
        break;
      case 'ifelse': {
        const sizeB = sizeOf(u.b, fn, subs);
        out.push({ ...u.cond, off: sizeOf(u.a, fn, subs) + 1 });
        emitUnits(u.a, fn, subs, out, calls);
        out.push(u.gotol ? insn(op.BPF_JMP32 | op.BPF_JA, 0, 0, 0, sizeB) : insn(op.BPF_JMP | op.BPF_JA, 0, 0, sizeB));
        emitUnits(u.b, fn, subs, out, calls);
        break;
      }
      case 'loop': {
        out.push(...u.head);
        const start = out.length;
        emitUnits(u.body, fn, subs, out, calls);
        out.push(u.tail[0]);
        out.push({ ...u.tail[1], off: start - (out.length + 1) });
        break;
      }
      case 'call': {
        const callee = calleeOf(u.target, fn, subs);
        if (callee !== null) {
          out.push(insn(op.BPF_ALU64 | op.BPF_MOV | op.BPF_X, 5, op.BPF_REG_10));
          out.push(insn(op.BPF_ALU64 | op.BPF_ADD | op.BPF_K, 5, 0, 0, -STACK_BYTES));
          calls.push({ at: out.length, callee });
          out.push(insn(op.BPF_JMP | op.BPF_CALL, 0, op.BPF_PSEUDO_CALL, 0, 0));
        }
        out.push(...u.reinit);
        break;
      }
    }
  }
}

/** Stores r0..r8 and the stack into the memory, then exits with r0. */
function mainEpilogue(): Instruction[] {
  const out: Instruction[] = [];
  for (let r = 0; r <= 8; r++) out.push(insn(op.BPF_STX | op.BPF_MEM | op.BPF_DW, CTX_REG, r, MEM_REGS + 8 * r));
  for (let i = 0; i < STACK_BYTES / 8; i++) {
    out.push(insn(op.BPF_LDX | op.BPF_MEM | op.BPF_DW, 1, op.BPF_REG_10, -STACK_BYTES + 8 * i));
    out.push(insn(op.BPF_STX | op.BPF_MEM | op.BPF_DW, CTX_REG, 1, MEM_STACK + 8 * i));
  }
  out.push(insn(op.BPF_JMP | op.BPF_EXIT));
  return out;
}

function layoutProgram(spec: ProgramSpec): GeneratedProgram {
  const functions = [spec.main, ...spec.subs];
  const subs = spec.subs.length;
  // Only sub-programs some call reaches may be emitted: the kernel refuses unreachable code.
  const reached = new Set<number>();
  const visit = (units: readonly Unit[], fn: number): void => {
    for (const u of units) {
      if (u.kind === 'if') visit(u.then, fn);
      else if (u.kind === 'ifelse') { visit(u.a, fn); visit(u.b, fn); }
      else if (u.kind === 'loop') visit(u.body, fn);
      else if (u.kind === 'call') {
        const callee = calleeOf(u.target, fn, subs);
        if (callee !== null && !reached.has(callee)) {
          reached.add(callee);
          visit(spec.subs[callee].body, callee);
        }
      }
    }
  };
  visit(spec.main.body, -1);

  const insns: Instruction[] = [];
  const calls: CallFixup[] = [];
  const starts = new Map<number, number>();
  functions.forEach((f, index) => {
    const fn = index - 1;
    if (fn >= 0 && !reached.has(fn)) return;
    if (fn >= 0) starts.set(fn, insns.length);
    insns.push(...f.prologue);
    emitUnits(f.body, fn, subs, insns, calls);
    if (fn < 0) insns.push(...mainEpilogue());
    else insns.push(insn(op.BPF_JMP | op.BPF_EXIT));
  });
  for (const { at, callee } of calls) {
    const start = starts.get(callee);
    if (start === undefined) throw new Error(`random-program: call at ${at} to unplaced sub-program ${callee}`);
    insns[at] = { ...insns[at], imm: start - (at + 1) };
  }
  const mem = new Uint8Array(MEM_SIZE);
  mem.set(spec.input, MEM_INPUT);
  return { insns, mem, subprograms: [...starts.values()] };
}

/** The program in LLVM's syntax, one `index: text` line per instruction, for failure reports. */
export function formatProgram(insns: readonly Instruction[]): string {
  return disassembleProgram(insns).join('\n');
}
