// Atomic read-modify-write instructions (check_atomic_rmw).
import type { Instruction } from '../isa/instruction.js';
import * as op from '../isa/opcodes.js';
import { checkMemAccess } from './check-mem.js';
import type { VerifierEnv } from './env.js';
import { RegArg, checkRegArg, isPointerValue } from './reg-ops.js';
import { RegType, regTypeStr, typeIsPktPointer } from './reg-type.js';

function atomicPtrTypeOk(type: number): boolean {
  if (type === RegType.PTR_TO_CTX) return false;
  if (typeIsPktPointer(type)) return false;
  if (type === RegType.PTR_TO_FLOW_KEYS) return false;
  if (type === RegType.PTR_TO_SOCKET || type === RegType.PTR_TO_SOCK_COMMON || type === RegType.PTR_TO_TCP_SOCK ||
    type === RegType.PTR_TO_XDP_SOCK) return false;
  return true;
}

/** BPF_LOAD_ACQ and BPF_STORE_REL: load-acquire and store-release (any size). */
export const BPF_LOAD_ACQ = 0x100;
export const BPF_STORE_REL = 0x110;

const RMW_OPS = [op.BPF_ADD, op.BPF_AND, op.BPF_OR, op.BPF_XOR].flatMap((o) => [o, o | op.BPF_FETCH])
  .concat([op.BPF_XCHG, op.BPF_CMPXCHG]);

export function checkAtomic(env: VerifierEnv, insn: Instruction): void {
  if (insn.imm === BPF_LOAD_ACQ) return checkAtomicLoad(env, insn);
  if (insn.imm === BPF_STORE_REL) return checkAtomicStore(env, insn);
  if (!RMW_OPS.includes(insn.imm)) env.fail(`BPF_ATOMIC uses invalid atomic opcode ${(insn.imm >>> 0).toString(16).padStart(2, '0')}`, 'EINVAL');
  const size = op.opSize(insn.opcode);
  if (size !== op.BPF_W && size !== op.BPF_DW) env.fail('invalid atomic operand size', 'EINVAL');
  checkRegArg(env, insn.src, RegArg.SRC_OP);
  checkRegArg(env, insn.dst, RegArg.SRC_OP);
  if (insn.imm === op.BPF_CMPXCHG) {
    checkRegArg(env, 0, RegArg.SRC_OP);
    if (isPointerValue(env, 0)) env.fail('R0 leaks addr into mem');
  }
  if (isPointerValue(env, insn.src)) env.fail(`R${insn.src} leaks addr into mem`);
  const dstType = env.cur.regs[insn.dst].type;
  if (!atomicPtrTypeOk(dstType)) env.fail(`BPF_ATOMIC stores into R${insn.dst} ${regTypeStr(dstType)} is not allowed`);
  let loadReg = -1;
  if (insn.imm & op.BPF_FETCH) {
    loadReg = insn.imm === op.BPF_CMPXCHG ? 0 : insn.src;
    checkRegArg(env, loadReg, RegArg.DST_OP);
  }
  const bytes = op.sizeBytes(size);
  checkMemAccess(env, insn.dst, insn.off, bytes, 'read', -1, true, false);
  if (loadReg >= 0) checkMemAccess(env, insn.dst, insn.off, bytes, 'read', loadReg, true, false);
  checkMemAccess(env, insn.dst, insn.off, bytes, 'write', -1, true, false);
}

/** check_atomic_load: dst = load_acquire(src + off), aligned. */
function checkAtomicLoad(env: VerifierEnv, insn: Instruction): void {
  checkRegArg(env, insn.src, RegArg.SRC_OP);
  checkRegArg(env, insn.dst, RegArg.DST_OP_NO_MARK);
  checkMemAccess(env, insn.src, insn.off, op.sizeBytes(op.opSize(insn.opcode)), 'read', insn.dst, true, false);
  const type = env.cur.regs[insn.src].type;
  if (!atomicPtrTypeOk(type)) env.fail(`BPF_ATOMIC loads from R${insn.src} ${regTypeStr(type)} is not allowed`);
}

/** check_atomic_store: store_release(dst + off, src), aligned. */
function checkAtomicStore(env: VerifierEnv, insn: Instruction): void {
  checkRegArg(env, insn.src, RegArg.SRC_OP);
  checkRegArg(env, insn.dst, RegArg.SRC_OP);
  checkMemAccess(env, insn.dst, insn.off, op.sizeBytes(op.opSize(insn.opcode)), 'write', insn.src, true, false);
  const type = env.cur.regs[insn.dst].type;
  if (!atomicPtrTypeOk(type)) env.fail(`BPF_ATOMIC stores into R${insn.dst} ${regTypeStr(type)} is not allowed`);
}
