import type { Instruction } from '../../isa/instruction.js';
import * as op from '../../isa/opcodes.js';
import { ARENA_BASE } from '../../memory/arena.js';
import type { FunctionEmitter } from './function-emitter.js';
import { Op, VOID } from './wasm-opcodes.js';

const LOG2 = { 1: 0, 2: 1, 4: 2, 8: 3 } as const;
/** -ARENA_BASE modulo 2^64 (0x7780_0000_0000): small enough for an exact double. */
const MINUS_ARENA_BASE = Number(BigInt.asIntN(64, -ARENA_BASE));
type Size = keyof typeof LOG2;

const LOAD_U: Record<Size, number> = { 1: Op.i64_load8_u, 2: Op.i64_load16_u, 4: Op.i64_load32_u, 8: Op.i64_load };
const LOAD_S: Record<Size, number> = { 1: Op.i64_load8_s, 2: Op.i64_load16_s, 4: Op.i64_load32_s, 8: Op.i64_load };
const STORE: Record<Size, number> = { 1: Op.i64_store8, 2: Op.i64_store16, 4: Op.i64_store32, 8: Op.i64_store };

/**
 * Pushes the i32 arena offset of `base + off` for an access of `size` bytes
 * and returns the constant to put in the memory instruction's offset field.
 * A pointer's arena offset is its low 32 bits: ARENA_BASE's are zero, and a
 * pointer whose high half is 0 is a bare arena offset (32-bit context fields
 * such as xdp_md.data hold those), as the interpreter reads them. Without
 * checks, WebAssembly's bounds check keeps even a wild pointer inside the
 * arena. In checked mode the 64-bit address t must be ARENA_BASE + o or a
 * bare o, with o in a region that allows the access: tried against the last
 * region hit (which the miss handler records in globals, held in locals),
 * then this executable's stack, each in both forms; else the `miss` import
 * checks it against the arena's region table, throwing MemoryAccessError
 * as the interpreter does. An access at a constant offset from r10 within
 * the frame needs no check.
 */
export function emitAddress(e: FunctionEmitter, pc: number, base: number, off: number, size: Size, write: boolean): number {
  const inFrame = base === op.BPF_REG_10 && off >= -op.MAX_BPF_STACK;
  if (inFrame && (!e.ctx.checked || off + size <= 0)) {
    e.localGet(e.frameBase);
    return off + op.MAX_BPF_STACK;
  }
  if (!e.ctx.checked) {
    e.get32(base);
    if (off >= 0) return off;
    e.i32(off);
    e.w.u8(Op.i32_add);
    return 0;
  }
  const w = e.w;
  const cache = e.cacheLocals;
  const first = write ? 5 : 0;
  const limit = cache[first + 1 + LOG2[size]];
  const hit = (): void => {
    w.u8(Op.br_if);
    w.u8(0);
  };
  w.u8x2(Op.block, VOID);
  e.get(base);
  if (off !== 0) {
    e.i64(off);
    w.u8(Op.i64_add);
  }
  e.localTee(e.tmpA); // t
  // d = t - (ARENA_BASE + start): the offset in the cached region, for a full pointer
  e.localGet(cache[first]);
  w.u8(Op.i64_sub);
  e.localTee(e.tmpB);
  e.localGet(limit);
  w.u8(Op.i64_lt_u);
  hit();
  // d + ARENA_BASE: the same for a bare offset
  e.localGet(e.tmpB);
  e.i64(-MINUS_ARENA_BASE);
  w.u8(Op.i64_add);
  e.localGet(limit);
  w.u8(Op.i64_lt_u);
  hit();
  // the stack, full pointer then bare offset
  const stackLimit = e.ctx.stackBytes - size + 1;
  e.localGet(e.tmpA);
  e.i64(MINUS_ARENA_BASE - e.ctx.stackStart);
  w.u8(Op.i64_add);
  e.i64(stackLimit);
  w.u8(Op.i64_lt_u);
  hit();
  e.localGet(e.tmpA);
  e.i64(-e.ctx.stackStart);
  w.u8(Op.i64_add);
  e.i64(stackLimit);
  w.u8(Op.i64_lt_u);
  hit();
  e.spillBudget();
  const parked = e.parkLocals(pc);
  e.localGet(e.tmpA);
  e.i32(size);
  e.i32(write ? 1 : 0);
  e.i32(pc);
  e.call(e.ctx.imports.miss);
  e.restoreLocals(parked);
  e.reloadAfterCall(write ? 'write' : 'read');
  w.u8(Op.end);
  e.localGet(e.tmpA);
  w.u8(Op.i32_wrap_i64);
  return 0;
}

/** LDX: dst = *(size *)(src + off), zero- or (BPF_MEMSX) sign-extended. */
export function lowerLoad(e: FunctionEmitter, pc: number, insn: Instruction): void {
  const size = op.sizeBytes(op.opSize(insn.opcode));
  const signed = op.opMode(insn.opcode) === op.BPF_MEMSX;
  e.markTrap(pc);
  const offset = emitAddress(e, pc, insn.src, insn.off, size, false);
  e.mem((signed ? LOAD_S : LOAD_U)[size], LOG2[size], offset);
  e.set(insn.dst);
}

/** ST and STX (BPF_MEM): *(size *)(dst + off) = imm or src. */
export function lowerStore(e: FunctionEmitter, pc: number, insn: Instruction): void {
  const size = op.sizeBytes(op.opSize(insn.opcode));
  e.markTrap(pc);
  const offset = emitAddress(e, pc, insn.dst, insn.off, size, true);
  if (op.opClass(insn.opcode) === op.BPF_STX) e.get(insn.src);
  else e.i64(insn.imm);
  e.mem(STORE[size], LOG2[size], offset);
}

/**
 * BPF_ATOMIC as a plain read-modify-write: one program runs at a time on
 * the arena, so this is exact (and has no alignment trap). Fetch forms put
 * the old value in src, cmpxchg compares with r0 and puts the old value in
 * r0; the 32-bit forms zero-extend what they load.
 */
export function lowerAtomic(e: FunctionEmitter, pc: number, insn: Instruction): void {
  const size = op.sizeBytes(op.opSize(insn.opcode)) as 4 | 8;
  const load = LOAD_U[size];
  const store = STORE[size];
  const align = LOG2[size];
  const w = e.w;
  const { src, imm } = insn;
  e.markTrap(pc);
  const offset = emitAddress(e, pc, insn.dst, insn.off, size, true);
  if (offset !== 0) {
    e.i32(offset);
    w.u8(Op.i32_add);
  }
  e.localTee(e.tmp32);
  e.mem(load, align, 0);
  e.localSet(e.tmpB); // old value
  if (imm === op.BPF_CMPXCHG) {
    e.localGet(e.tmpB);
    if (size === 8) {
      e.get(0);
      w.u8(Op.i64_eq);
    } else {
      w.u8(Op.i32_wrap_i64);
      e.get32(0);
      w.u8(Op.i32_eq);
    }
    w.u8x2(Op.if, VOID);
    e.localGet(e.tmp32);
    e.get(src);
    e.mem(store, align, 0);
    w.u8(Op.end);
    e.localGet(e.tmpB);
    e.set(0);
    return;
  }
  e.localGet(e.tmp32);
  if (imm === op.BPF_XCHG) {
    e.get(src);
  } else {
    e.localGet(e.tmpB);
    e.get(src);
    switch (imm & ~op.BPF_FETCH) {
      case op.BPF_ADD: w.u8(Op.i64_add); break;
      case op.BPF_OR: w.u8(Op.i64_or); break;
      case op.BPF_AND: w.u8(Op.i64_and); break;
      case op.BPF_XOR: w.u8(Op.i64_xor); break;
      default: throw new Error(`jit: unknown atomic operation 0x${imm.toString(16)}`);
    }
  }
  e.mem(store, align, 0);
  if (imm & op.BPF_FETCH) {
    e.localGet(e.tmpB);
    e.set(src);
  }
}

/**
 * LD_ABS / LD_IND through the `packetLoad` import (the packet is wherever the
 * skb resolver says): r0 = the big-endian value, or, out of the packet,
 * r0 = 0 and the function returns, as the kernel's rewrite does.
 */
export function lowerPacketLoad(e: FunctionEmitter, pc: number, insn: Instruction): void {
  const size = op.sizeBytes(op.opSize(insn.opcode));
  const w = e.w;
  e.spillBudget();
  e.i32(pc);
  e.get(6);
  if (op.opMode(insn.opcode) === op.BPF_IND) {
    e.get32(insn.src);
    e.i32(insn.imm);
    w.u8(Op.i32_add);
  } else {
    e.i32(insn.imm);
  }
  e.i32(size);
  e.call(e.ctx.imports.packetLoad);
  e.localTee(e.tmpA);
  e.i64(-1);
  w.u8(Op.i64_eq);
  w.u8x2(Op.if, VOID);
  e.i64(0);
  e.set(0);
  e.emitReturn();
  w.u8(Op.end);
  e.localGet(e.tmpA);
  e.set(0);
}

