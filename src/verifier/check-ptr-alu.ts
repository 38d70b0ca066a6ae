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
import { RegState, S64_MAX, S64_MIN, U64_MAX } from './reg-state.js';
import { PTR_MAYBE_NULL, PTR_UNTRUSTED, RegType, baseType, regTypeStr, typeIsPktPointer } from './reg-type.js';
import { MAX_BPF_STACK } from '../isa/opcodes.js';
import { tnumAdd, tnumIsConst, tnumStr, tnumSub } from './tnum.js';

import { BPF_MAX_VAR_OFF } from './limits.js';
const MAX_VAR_OFF = BigInt(BPF_MAX_VAR_OFF);

/** check_reg_sane_offset */
function checkRegSaneOffset(env: VerifierEnv, reg: RegState, type: number): void {
  const known = tnumIsConst(reg.varOff);
  const val = BigInt.asIntN(64, reg.varOff.value);
  if (known && (val >= MAX_VAR_OFF || val <= -MAX_VAR_OFF)) {
    env.fail(`math between ${regTypeStr(type)} pointer and ${val} is not allowed`);
  }
  if (reg.off >= BPF_MAX_VAR_OFF || reg.off <= -BPF_MAX_VAR_OFF) {
    env.fail(`${regTypeStr(type)} pointer offset ${reg.off} is not allowed`);
  }
  if (reg.smin === S64_MIN) {
    env.fail(`math between ${regTypeStr(type)} pointer and register with unbounded min value is not allowed`);
  }
  if (reg.smin >= MAX_VAR_OFF || reg.smin <= -MAX_VAR_OFF) {
    env.fail(`value ${reg.smin} makes ${regTypeStr(type)} pointer be out of bounds`);
  }
}

const fitsS32 = (v: bigint): boolean => v === BigInt.asIntN(32, v);

/**
 * dst = ptr <op> off, where `off` is a scalar. `dst` is the destination
 * register (it may be `off`'s register: scalar += pointer).
 */
export function adjustPtrMinMaxVals(env: VerifierEnv, insn: Instruction, ptrIn: RegState, offIn: RegState): void {
  const regs = env.cur.regs;
  const dst = regs[insn.dst];
  const opc = op.opCode(insn.opcode);
  // Snapshots: dst may alias either operand.
  const ptr = ptrIn.clone();
  const off = offIn.clone();
  const dstIsOff = dst === offIn;
  const known = tnumIsConst(off.varOff);

  if ((known && (off.smin !== off.smax || off.umin !== off.umax)) || off.smin > off.smax || off.umin > off.umax) {
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
  const movable = [RegType.PTR_TO_CTX, RegType.PTR_TO_MAP_VALUE, RegType.PTR_TO_MAP_KEY, RegType.PTR_TO_STACK,
    RegType.PTR_TO_PACKET_META, RegType.PTR_TO_PACKET, RegType.PTR_TO_TP_BUFFER, RegType.PTR_TO_BTF_ID,
    RegType.PTR_TO_MEM, RegType.PTR_TO_BUF, RegType.PTR_TO_FUNC].includes(base);
  const flowKeysOk = base === RegType.PTR_TO_FLOW_KEYS && known;
  const mapPtrOk = (base === RegType.PTR_TO_FLOW_KEYS || base === RegType.CONST_PTR_TO_MAP) &&
    known && off.smin === 0n && opc === op.BPF_ADD;
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
      if (known && fitsS32(BigInt(ptr.off) + off.smin)) {
        copyPtrBounds(dst, ptr);
        dst.off = ptr.off + Number(off.smin);
        break;
      }
      let smin = ptr.smin + off.smin;
      let smax = ptr.smax + off.smax;
      if (smin < S64_MIN || smin > S64_MAX || smax < S64_MIN || smax > S64_MAX) { smin = S64_MIN; smax = S64_MAX; }
      let umin = ptr.umin + off.umin;
      let umax = ptr.umax + off.umax;
      if (umin > U64_MAX || umax > U64_MAX) { umin = 0n; umax = U64_MAX; }
      dst.smin = smin; dst.smax = smax; dst.umin = umin; dst.umax = umax;
      dst.varOff = tnumAdd(ptr.varOff, off.varOff);
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
      if (known && fitsS32(BigInt(ptr.off) - off.smin)) {
        copyPtrBounds(dst, ptr);
        dst.id = ptr.id;
        dst.off = ptr.off - Number(off.smin);
        break;
      }
      let smin = ptr.smin - off.smax;
      let smax = ptr.smax - off.smin;
      if (smin < S64_MIN || smin > S64_MAX || smax < S64_MIN || smax > S64_MAX) { smin = S64_MIN; smax = S64_MAX; }
      dst.smin = smin; dst.smax = smax;
      if (ptr.umin < off.umax) {
        dst.umin = 0n;
        dst.umax = U64_MAX;
      } else {
        dst.umin = ptr.umin - off.umax;
        dst.umax = ptr.umax - off.umin;
      }
      dst.varOff = tnumSub(ptr.varOff, off.varOff);
      copyPtrRaw(dst, ptr);
      if (typeIsPktPointer(ptr.type)) {
        dst.id = ++env.idGen;
        if (off.smin < 0n) dst.range = 0;
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
  dst.smin = ptr.smin;
  dst.smax = ptr.smax;
  dst.umin = ptr.umin;
  dst.umax = ptr.umax;
  dst.varOff = ptr.varOff;
  copyPtrRaw(dst, ptr);
}

/** The kernel's `raw` union and the fields that travel with a pointer. */
function copyPtrRaw(dst: RegState, ptr: RegState): void {
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
    const off = dst.off + Number(BigInt.asIntN(32, dst.varOff.value));
    if (!tnumIsConst(dst.varOff)) {
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
  if (!tnumIsConst(off.varOff) && (off.smin < 0n) !== (off.smax < 0n)) {
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
