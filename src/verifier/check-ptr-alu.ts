// Pointer arithmetic (adjust_ptr_min_max_vals): which pointer types may move,
// how a constant folds into the fixed offset and a variable one into var_off,
// and the limits the kernel puts on both.
import type { Instruction } from '../isa/instruction.js';
import * as op from '../isa/opcodes.js';
import { mark32Unbounded, regBoundsSync } from './bounds.js';
import { ALU_OP_STR } from './check-alu.js';
import { checkMapAccess } from './check-mem.js';
import type { VerifierEnv } from './env.js';
import { markUnknown } from './reg-ops.js';
import { RegState } from './reg-state.js';
import { PTR_MAYBE_NULL, PTR_UNTRUSTED, RegType, baseType, regTypeStr, typeIsPktPointer } from './reg-type.js';
import { MAX_BPF_STACK } from '../isa/opcodes.js';
import { tnumStr } from './tnum.js';
import { addHi, addOverflowsS, addOverflowsU, slt, subHi, subOverflowsS, toNumS, ult } from './i64.js';
import { setVarOffFromTn, tnAdd, tnSub } from './tnum-halves.js';

import { BPF_MAX_VAR_OFF } from './limits.js';

/** check_reg_sane_offset */
function checkRegSaneOffset(env: VerifierEnv, reg: RegState, type: number): void {
  if (reg.isConst()) {
    const val = toNumS(reg.vHi, reg.vLo);
    if (val >= BPF_MAX_VAR_OFF || val <= -BPF_MAX_VAR_OFF) {
      env.fail(`math between ${regTypeStr(type)} pointer and ${BigInt.asIntN(64, reg.varOff.value)} is not allowed`);
    }
  }
  if (reg.off >= BPF_MAX_VAR_OFF || reg.off <= -BPF_MAX_VAR_OFF) {
    env.fail(`${regTypeStr(type)} pointer offset ${reg.off} is not allowed`);
  }
  if (reg.sminHi === -0x80000000 && reg.sminLo === 0) {
    env.fail(`math between ${regTypeStr(type)} pointer and register with unbounded min value is not allowed`);
  }
  const smin = toNumS(reg.sminHi, reg.sminLo);
  if (smin >= BPF_MAX_VAR_OFF || smin <= -BPF_MAX_VAR_OFF) {
    env.fail(`value ${reg.smin} makes ${regTypeStr(type)} pointer be out of bounds`);
  }
}

/** Snapshots of the operands of pointer arithmetic (the destination may alias either). */
const PTR = new RegState();
const OFF = new RegState();

/** Pointer types that arithmetic may move. */
const MOVABLE = new Set<number>([RegType.PTR_TO_CTX, RegType.PTR_TO_MAP_VALUE, RegType.PTR_TO_MAP_KEY, RegType.PTR_TO_STACK,
  RegType.PTR_TO_PACKET_META, RegType.PTR_TO_PACKET, RegType.PTR_TO_TP_BUFFER, RegType.PTR_TO_BTF_ID,
  RegType.PTR_TO_MEM, RegType.PTR_TO_BUF, RegType.PTR_TO_FUNC]);

/**
 * dst = ptr <op> off, where `off` is a scalar. `dst` is the destination
 * register (it may be `off`'s register: scalar += pointer).
 */
export function adjustPtrMinMaxVals(env: VerifierEnv, insn: Instruction, ptrIn: RegState, offIn: RegState): void {
  const regs = env.cur.regs;
  const dst = regs[insn.dst];
  const opc = op.opCode(insn.opcode);
  // Snapshots: dst may alias either operand.
  const ptr = PTR;
  ptr.copyFrom(ptrIn);
  const off = OFF;
  off.copyFrom(offIn);
  const dstIsOff = dst === offIn;
  const known = off.isConst();

  if ((known && (off.sminHi !== off.smaxHi || off.sminLo !== off.smaxLo || off.uminHi !== off.umaxHi || off.uminLo !== off.umaxLo)) ||
    slt(off.smaxHi, off.smaxLo, off.sminHi, off.sminLo) || ult(off.umaxHi, off.umaxLo, off.uminHi, off.uminLo)) {
    markUnknown(env, dst);
    return;
  }
  if (op.opClass(insn.opcode) !== op.BPF_ALU64) {
    if (opc === op.BPF_SUB && env.allowPtrLeaks) {
      markUnknown(env, dst);
      return;
    }
    env.fail(`R${insn.dst} 32-bit pointer arithmetic prohibited`);
  }
  if (ptr.type & PTR_MAYBE_NULL) {
    env.fail(`R${insn.dst} pointer arithmetic on ${regTypeStr(ptr.type)} prohibited, null-check it first`);
  }
  if (baseType(ptr.type) === RegType.PTR_TO_MEM && (ptr.type & PTR_UNTRUSTED)) return;

  const base = baseType(ptr.type);
  const movable = MOVABLE.has(base);
  const flowKeysOk = base === RegType.PTR_TO_FLOW_KEYS && known;
  const mapPtrOk = (base === RegType.PTR_TO_FLOW_KEYS || base === RegType.CONST_PTR_TO_MAP) &&
    known && (off.sminHi | off.sminLo) === 0 && opc === op.BPF_ADD;
  if (!movable && !flowKeysOk && !mapPtrOk) {
    env.fail(`R${insn.dst} pointer arithmetic on ${regTypeStr(ptr.type)} prohibited`);
  }

  dst.type = ptr.type;
  dst.id = ptr.id;
  checkRegSaneOffset(env, off, ptr.type);
  checkRegSaneOffset(env, ptr, ptr.type);
  mark32Unbounded(dst);

  const sanitize = opc === op.BPF_ADD || opc === op.BPF_SUB;
  if (sanitize && !env.bypassSpecV1 && op.opSource(insn.opcode) === op.BPF_X) {
    sanitizePtrAlu(env, insn, ptr, off, dstIsOff);
  }

  switch (opc) {
    case op.BPF_ADD: {
      const fixed = ptr.off + toNumS(off.sminHi, off.sminLo);
      if (known && fixed === (fixed | 0)) {
        copyPtrBounds(dst, ptr);
        dst.off = fixed;
        break;
      }
      // smin/smax: unbounded on signed overflow; umin/umax: unbounded on unsigned overflow of either.
      const sminLo = (ptr.sminLo + off.sminLo) | 0;
      const sminHi = addHi(ptr.sminHi, ptr.sminLo, off.sminHi, off.sminLo);
      const smaxLo = (ptr.smaxLo + off.smaxLo) | 0;
      const smaxHi = addHi(ptr.smaxHi, ptr.smaxLo, off.smaxHi, off.smaxLo);
      if (addOverflowsS(ptr.sminHi, off.sminHi, sminHi) || addOverflowsS(ptr.smaxHi, off.smaxHi, smaxHi)) {
        dst.sminHi = -0x80000000; dst.sminLo = 0; dst.smaxHi = 0x7fffffff; dst.smaxLo = -1;
      } else {
        dst.sminHi = sminHi; dst.sminLo = sminLo; dst.smaxHi = smaxHi; dst.smaxLo = smaxLo;
      }
      if (addOverflowsU(ptr.uminHi, ptr.uminLo, off.uminHi, off.uminLo) ||
        addOverflowsU(ptr.umaxHi, ptr.umaxLo, off.umaxHi, off.umaxLo)) {
        dst.uminHi = 0; dst.uminLo = 0; dst.umaxHi = -1; dst.umaxLo = -1;
      } else {
        dst.uminLo = (ptr.uminLo + off.uminLo) | 0;
        dst.uminHi = addHi(ptr.uminHi, ptr.uminLo, off.uminHi, off.uminLo);
        dst.umaxLo = (ptr.umaxLo + off.umaxLo) | 0;
        dst.umaxHi = addHi(ptr.umaxHi, ptr.umaxLo, off.umaxHi, off.umaxLo);
      }
      tnAdd(ptr.vHi, ptr.vLo, ptr.mHi, ptr.mLo, off.vHi, off.vLo, off.mHi, off.mLo);
      setVarOffFromTn(dst);
      copyPtrRaw(dst, ptr);
      if (typeIsPktPointer(ptr.type)) {
        dst.id = ++env.idGen;
        dst.range = 0;
      }
      break;
    }
    case op.BPF_SUB: {
      if (dstIsOff) env.fail(`R${insn.dst} tried to subtract pointer from scalar`);
      if (ptr.type === RegType.PTR_TO_STACK) env.fail(`R${insn.dst} subtraction from stack pointer prohibited`);
      const fixed = ptr.off - toNumS(off.sminHi, off.sminLo);
      if (known && fixed === (fixed | 0)) {
        copyPtrBounds(dst, ptr);
        dst.id = ptr.id;
        dst.off = fixed;
        break;
      }
      // smin = ptr.smin - off.smax, smax = ptr.smax - off.smin
      const sminLo = (ptr.sminLo - off.smaxLo) | 0;
      const sminHi = subHi(ptr.sminHi, ptr.sminLo, off.smaxHi, off.smaxLo);
      const smaxLo = (ptr.smaxLo - off.sminLo) | 0;
      const smaxHi = subHi(ptr.smaxHi, ptr.smaxLo, off.sminHi, off.sminLo);
      if (subOverflowsS(ptr.sminHi, off.smaxHi, sminHi) || subOverflowsS(ptr.smaxHi, off.sminHi, smaxHi)) {
        dst.sminHi = -0x80000000; dst.sminLo = 0; dst.smaxHi = 0x7fffffff; dst.smaxLo = -1;
      } else {
        dst.sminHi = sminHi; dst.sminLo = sminLo; dst.smaxHi = smaxHi; dst.smaxLo = smaxLo;
      }
      if (ult(ptr.uminHi, ptr.uminLo, off.umaxHi, off.umaxLo)) {
        dst.uminHi = 0; dst.uminLo = 0; dst.umaxHi = -1; dst.umaxLo = -1;
      } else {
        dst.uminLo = (ptr.uminLo - off.umaxLo) | 0;
        dst.uminHi = subHi(ptr.uminHi, ptr.uminLo, off.umaxHi, off.umaxLo);
        dst.umaxLo = (ptr.umaxLo - off.uminLo) | 0;
        dst.umaxHi = subHi(ptr.umaxHi, ptr.umaxLo, off.uminHi, off.uminLo);
      }
      tnSub(ptr.vHi, ptr.vLo, ptr.mHi, ptr.mLo, off.vHi, off.vLo, off.mHi, off.mLo);
      setVarOffFromTn(dst);
      copyPtrRaw(dst, ptr);
      if (typeIsPktPointer(ptr.type)) {
        dst.id = ++env.idGen;
        if (off.sminHi < 0) dst.range = 0;
      }
      break;
    }
    case op.BPF_AND: case op.BPF_OR: case op.BPF_XOR:
      return env.fail(`R${insn.dst} bitwise operator ${ALU_OP_STR[opc]} on pointer prohibited`);
    default:
      env.fail(`R${insn.dst} pointer arithmetic with ${ALU_OP_STR[opc]} operator prohibited`);
  }

  checkRegSaneOffset(env, dst, ptr.type);
  regBoundsSync(dst);
  sanitizeCheckBounds(env, insn, dst);
}

function copyPtrBounds(dst: RegState, ptr: RegState): void {
  dst.sminHi = ptr.sminHi;
  dst.sminLo = ptr.sminLo;
  dst.smaxHi = ptr.smaxHi;
  dst.smaxLo = ptr.smaxLo;
  dst.uminHi = ptr.uminHi;
  dst.uminLo = ptr.uminLo;
  dst.umaxHi = ptr.umaxHi;
  dst.umaxLo = ptr.umaxLo;
  dst.vHi = ptr.vHi;
  dst.vLo = ptr.vLo;
  dst.mHi = ptr.mHi;
  dst.mLo = ptr.mLo;
  copyPtrRaw(dst, ptr);
}

/** The kernel's `raw` union and the fields that travel with a pointer. */
function copyPtrRaw(dst: RegState, ptr: RegState): void {
  // The fixed offset too: for scalar += pointer, dst held the scalar's.
  dst.off = ptr.off;
  dst.map = ptr.map;
  dst.range = ptr.range;
  dst.memSize = ptr.memSize;
  dst.frameno = ptr.frameno;
  dst.subprogno = ptr.subprogno;
}

/** sanitize_check_bounds: unprivileged pointers must stay in bounds after arithmetic. */
function sanitizeCheckBounds(env: VerifierEnv, insn: Instruction, dst: RegState): void {
  if (env.bypassSpecV1) return;
  if (dst.type === RegType.PTR_TO_STACK) {
    const off = dst.off + (dst.vLo | 0);
    if (!dst.isConst()) {
      env.fail(`R${insn.dst} variable stack access prohibited for !root, var_off=${tnumStr(dst.varOff)} off=${off}`);
    }
    if (off >= 0 || off < -MAX_BPF_STACK) {
      env.fail(`R${insn.dst} stack pointer arithmetic goes out of range, prohibited for !root; off=${off}`);
    }
  } else if (dst.type === RegType.PTR_TO_MAP_VALUE) {
    const ok = checkMapAccess(env, insn.dst, dst.off, 1, false, true);
    if (!ok) env.fail(`R${insn.dst} pointer arithmetic of map value goes out of range, prohibited for !root`);
  }
}

/** The parts of sanitize_ptr_alu that refuse (Spectre v1 masking needs known limits). */
function sanitizePtrAlu(env: VerifierEnv, insn: Instruction, ptr: RegState, off: RegState, dstIsOff: boolean): void {
  const err = 'pointer arithmetic with it prohibited for !root';
  const opName = op.opCode(insn.opcode) === op.BPF_ADD ? 'add' : 'sub';
  if (!off.isConst() && (off.sminHi < 0) !== (off.smaxHi < 0)) {
    env.fail(`R${dstIsOff ? insn.dst : insn.src} has unknown scalar with mixed signed bounds, ${err}`);
  }
  const offIsNeg = off.smin < 0n;
  const maskToLeft = (op.opCode(insn.opcode) === op.BPF_ADD && offIsNeg) || (op.opCode(insn.opcode) === op.BPF_SUB && !offIsNeg);
  let max: bigint;
  let limit: bigint;
  if (ptr.type === RegType.PTR_TO_STACK) {
    max = BigInt(MAX_BPF_STACK + (maskToLeft ? 1 : 0));
    limit = BigInt.asUintN(32, -(BigInt.asIntN(64, ptr.varOff.value) + BigInt(ptr.off)));
  } else if (ptr.type === RegType.PTR_TO_MAP_VALUE) {
    max = BigInt(env.maps[ptr.map].valueSize);
    limit = BigInt.asUintN(32, (maskToLeft ? ptr.smin : BigInt.asIntN(64, ptr.umax)) + BigInt(ptr.off));
  } else {
    env.fail(`R${dstIsOff ? insn.src : insn.dst} has pointer with unsupported alu operation, ${err}`);
  }
  if (limit >= max) env.fail(`R${insn.dst} tried to ${opName} beyond pointer bounds, ${err}`);
}
