// ALU instructions (check_alu_op): moves, scalar arithmetic with bounds, and
// the pointer arithmetic rules (adjust_ptr_min_max_vals).
import type { Instruction } from '../isa/instruction.js';
import * as op from '../isa/opcodes.js';
import {
  coerceRegToSize, coerceRegToSizeSx, coerceSubregToSizeSx, mark32Unbounded, markKnownHalves, markScalarUnknown,
  markUnbounded, regBoundsSync, regWidth, setKnownHalves, zext32To64,
} from './bounds.js';
import { regBoundsSanityCheck } from './bounds-sanity.js';
import type { VerifierEnv } from './env.js';
import { adjustPtrMinMaxVals } from './check-ptr-alu.js';
import { RegArg, assignScalarIdBeforeMov, checkRegArg, isPointerValue, markUnknown } from './reg-ops.js';
import { RegState } from './reg-state.js';
import { isRegConst } from './bounds.js';
import { RegType } from './reg-type.js';
import { adjustScalarMinMax } from './scalar-alu.js';
import { markChainPrecision } from './precision.js';

export const ALU_OP_STR: Record<number, string> = {
  [op.BPF_ADD]: '+=', [op.BPF_SUB]: '-=', [op.BPF_MUL]: '*=', [op.BPF_DIV]: '/=', [op.BPF_OR]: '|=',
  [op.BPF_AND]: '&=', [op.BPF_LSH]: '<<=', [op.BPF_RSH]: '>>=', [op.BPF_NEG]: 'neg', [op.BPF_MOD]: '%=',
  [op.BPF_XOR]: '^=', [op.BPF_MOV]: '=', [op.BPF_ARSH]: 's>>=', [op.BPF_END]: 'endian',
};

export function checkAluOp(env: VerifierEnv, insn: Instruction): void {
  aluOp(env, insn);
  regBoundsSanityCheck(env, env.cur.regs[insn.dst], 'alu');
}

function aluOp(env: VerifierEnv, insn: Instruction): void {
  const regs = env.cur.regs;
  const opc = op.opCode(insn.opcode);
  const cls = op.opClass(insn.opcode);
  const alu64 = cls === op.BPF_ALU64;
  const srcX = op.opSource(insn.opcode) === op.BPF_X;

  if (opc === op.BPF_END || opc === op.BPF_NEG) {
    if (opc === op.BPF_NEG) {
      if (srcX || insn.src !== 0 || insn.off !== 0 || insn.imm !== 0) env.fail('BPF_NEG uses reserved fields', 'EINVAL');
    } else if (insn.src !== 0 || insn.off !== 0 || (insn.imm !== 16 && insn.imm !== 32 && insn.imm !== 64) ||
      (alu64 && srcX)) {
      env.fail('BPF_END uses reserved fields', 'EINVAL');
    }
    checkRegArg(env, insn.dst, RegArg.SRC_OP);
    if (isPointerValue(env, insn.dst)) env.fail(`R${insn.dst} pointer arithmetic prohibited`);
    const dst = regs[insn.dst];
    if (dst.type === RegType.SCALAR_VALUE) {
      checkRegArg(env, insn.dst, RegArg.DST_OP_NO_MARK);
      if (opc === op.BPF_NEG) adjustScalarMinMax(dst, dst, op.BPF_NEG, alu64);
      else scalarByteSwap(dst, insn);
      dst.id = 0;
      dst.off = 0;
      dst.addConst = 0;
    } else {
      checkRegArg(env, insn.dst, RegArg.DST_OP);
    }
    return;
  }

  if (opc === op.BPF_MOV) {
    if (srcX) {
      if (alu64 && insn.off === 1) {
        // BPF_ADDR_SPACE_CAST: only for programs with an arena map, which tsbpf does not have.
        if (insn.imm !== 1 && insn.imm !== 1 << 16) {
          env.fail('addr_space_cast insn can only convert between address space 1 and 0', 'EINVAL');
        }
        env.fail('addr_space_cast insn can only be used in a program that has an associated arena', 'EINVAL');
      }
      const off = insn.off;
      const allowed = off === 0 || off === 8 || off === 16 || (alu64 && off === 32);
      if (!allowed || insn.imm) env.fail('BPF_MOV uses reserved fields', 'EINVAL');
      checkRegArg(env, insn.src, RegArg.SRC_OP);
    } else if (insn.src !== 0 || insn.off !== 0) {
      env.fail('BPF_MOV uses reserved fields', 'EINVAL');
    }
    checkRegArg(env, insn.dst, RegArg.DST_OP_NO_MARK);
    const dst = regs[insn.dst];
    if (srcX) {
      const src = regs[insn.src];
      if (alu64) {
        if (insn.off === 0) {
          assignScalarIdBeforeMov(env, src);
          dst.copyFrom(src);
        } else if (isPointerValue(env, insn.src)) {
          env.fail(`R${insn.src} sign-extension part of pointer`);
        } else if (src.type === RegType.SCALAR_VALUE) {
          const noSext = src.umaxHi === 0 && src.umaxLo >>> 0 < 2 ** (insn.off - 1);
          if (noSext) assignScalarIdBeforeMov(env, src);
          dst.copyFrom(src);
          if (!noSext) dst.id = 0;
          coerceRegToSizeSx(dst, insn.off >> 3);
        } else {
          markUnknown(env, dst);
        }
      } else {
        if (isPointerValue(env, insn.src)) env.fail(`R${insn.src} partial copy of pointer`);
        if (src.type === RegType.SCALAR_VALUE) {
          if (insn.off === 0) {
            const fits32 = regWidth(src) <= 32;
            if (fits32) assignScalarIdBeforeMov(env, src);
            dst.copyFrom(src);
            if (!fits32) dst.id = 0;
          } else {
            const noSext = src.umaxHi === 0 && src.umaxLo >>> 0 < 2 ** (insn.off - 1);
            if (noSext) assignScalarIdBeforeMov(env, src);
            dst.copyFrom(src);
            if (!noSext) dst.id = 0;
            coerceSubregToSizeSx(dst, insn.off >> 3);
          }
        } else {
          markUnknown(env, dst);
        }
        zext32To64(dst);
        regBoundsSync(dst);
      }
    } else {
      markUnknown(env, dst);
      dst.type = RegType.SCALAR_VALUE;
      markKnownHalves(dst, alu64 ? insn.imm >> 31 : 0, insn.imm | 0);
    }
    return;
  }

  if (opc > op.BPF_END) env.fail(`invalid BPF_ALU opcode ${opc.toString(16)}`, 'EINVAL');

  const divmod = opc === op.BPF_DIV || opc === op.BPF_MOD;
  if (srcX) {
    if (insn.imm !== 0 || (insn.off !== 0 && insn.off !== 1) || (insn.off === 1 && !divmod)) {
      env.fail('BPF_ALU uses reserved fields', 'EINVAL');
    }
    checkRegArg(env, insn.src, RegArg.SRC_OP);
  } else if (insn.src !== 0 || (insn.off !== 0 && insn.off !== 1) || (insn.off === 1 && !divmod)) {
    env.fail('BPF_ALU uses reserved fields', 'EINVAL');
  }
  checkRegArg(env, insn.dst, RegArg.SRC_OP);
  if (divmod && !srcX && insn.imm === 0) env.fail('div by zero', 'EINVAL');
  if ((opc === op.BPF_LSH || opc === op.BPF_RSH || opc === op.BPF_ARSH) && !srcX) {
    const size = alu64 ? 64 : 32;
    if (insn.imm < 0 || insn.imm >= size) env.fail(`invalid shift ${insn.imm}`, 'EINVAL');
  }
  checkRegArg(env, insn.dst, RegArg.DST_OP_NO_MARK);
  adjustRegMinMaxVals(env, insn);
}

const bswap32 = (x: number): number =>
  ((x & 0xff) << 24) | ((x & 0xff00) << 8) | ((x >>> 8) & 0xff00) | ((x >>> 24) & 0xff);
const bswap16 = (x: number): number => ((x & 0xff) << 8) | ((x >>> 8) & 0xff);

/**
 * Byte swaps on a scalar (the kernel's scalar_byte_swap): bswapN and, on
 * this little-endian machine, beN swap the low N bits; leN only truncates.
 */
function scalarByteSwap(dst: RegState, insn: Instruction): void {
  const alu64 = op.opClass(insn.opcode) === op.BPF_ALU64;
  const toLe = op.opSource(insn.opcode) === op.BPF_TO_LE;
  const needSwap = alu64 || !toLe;
  if (needSwap) {
    // tnum_bswap16/32/64 of value and mask.
    if (insn.imm === 64) {
      const vHi = bswap32(dst.vLo);
      const mHi = bswap32(dst.mLo);
      dst.vLo = bswap32(dst.vHi);
      dst.mLo = bswap32(dst.mHi);
      dst.vHi = vHi;
      dst.mHi = mHi;
    } else {
      dst.vLo = insn.imm === 32 ? bswap32(dst.vLo) : bswap16(dst.vLo);
      dst.mLo = insn.imm === 32 ? bswap32(dst.mLo) : bswap16(dst.mLo);
      dst.vHi = 0;
      dst.mHi = 0;
    }
    markUnbounded(dst);
  }
  if (insn.imm === 16 || insn.imm === 32) coerceRegToSize(dst, insn.imm / 8);
  else regBoundsSync(dst);
}

/** The immediate operand of a BPF_K instruction. */
const IMM_SRC = new RegState();

/** adjust_reg_min_max_vals: dst = dst <op> src for scalars and pointers. */
function adjustRegMinMaxVals(env: VerifierEnv, insn: Instruction): void {
  const regs = env.cur.regs;
  const dst = regs[insn.dst];
  const opc = op.opCode(insn.opcode);
  const alu64 = op.opClass(insn.opcode) === op.BPF_ALU64;
  const ptrReg = dst.type !== RegType.SCALAR_VALUE ? dst : null;
  let src: RegState;
  if (op.opSource(insn.opcode) === op.BPF_X) {
    src = regs[insn.src];
    if (src.type !== RegType.SCALAR_VALUE) {
      if (dst.type !== RegType.SCALAR_VALUE) {
        if (opc === op.BPF_SUB && env.allowPtrLeaks) {
          markUnknown(env, dst);
          return;
        }
        env.fail(`R${insn.dst} pointer ${ALU_OP_STR[opc]} pointer prohibited`);
      }
      // scalar += pointer: the result is a pointer, bounds from the scalar.
      markChainPrecision(env, insn.dst);
      adjustPtrMinMaxVals(env, insn, src, dst);
      return;
    }
    if (ptrReg) {
      markChainPrecision(env, insn.src);
      adjustPtrMinMaxVals(env, insn, ptrReg, src);
      return;
    }
    if (dst.precise) markChainPrecision(env, insn.src);
  } else {
    src = IMM_SRC;
    markScalarUnknown(src);
    setKnownHalves(src, insn.imm >> 31, insn.imm | 0);
    if (ptrReg) {
      adjustPtrMinMaxVals(env, insn, ptrReg, src);
      return;
    }
  }
  const dstUmaxHi = dst.umaxHi;
  adjustScalarMinMax(dst, src, opc, alu64);
  const sameReg = op.opSource(insn.opcode) === op.BPF_X && insn.src === insn.dst;
  linkConstDelta(env, dst, src, opc, alu64, dstUmaxHi, sameReg);
}

/**
 * rX += const (or -=) keeps rX linked to the registers sharing its id, with
 * the constant as a known delta (BPF_ADD_CONST); any other operation breaks
 * the link.
 */
function linkConstDelta(
  env: VerifierEnv, dst: RegState, src: RegState, opc: number, alu64: boolean, dstUmaxHi: number, sameReg: boolean,
): void {
  if (!env.bpfCapable || (opc !== op.BPF_ADD && opc !== op.BPF_SUB) || !dst.id || !isRegConst(src, !alu64) || sameReg) {
    clearLink(dst);
    return;
  }
  // The 64-bit constant must fit in an s32.
  if (alu64 && src.vHi !== src.vLo >> 31) return clearLink(dst);
  // A 32-bit operation keeps the link only when the upper half was zero.
  if (!alu64 && dstUmaxHi !== 0) return clearLink(dst);
  if (dst.addConst) return clearLink(dst);
  let off = src.vLo | 0;
  if (opc === op.BPF_SUB) {
    if (off === -0x80000000) return clearLink(dst);
    off = -off;
  }
  dst.addConst = alu64 ? 64 : 32;
  dst.off = off;
}

function clearLink(dst: RegState): void {
  dst.id = 0;
  dst.off = 0;
  dst.addConst = 0;
}

export { mark32Unbounded };
