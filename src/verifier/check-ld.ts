// 64-bit immediate loads (check_ld_imm: constants, map pointers, map values,
// function addresses) and the legacy packet loads (check_ld_abs).
import type { Instruction } from '../isa/instruction.js';
import { imm64 } from '../isa/instruction.js';
import * as op from '../isa/opcodes.js';
import { markKnown } from './bounds.js';
import { checkPtrOffReg } from './check-mem.js';
import { checkResourceLeak } from './check-exit.js';
import type { VerifierEnv } from './env.js';
import { RegArg, checkRegArg, markRegNotInit, markUnknown } from './reg-ops.js';
import { RegType } from './reg-type.js';
import { subprogOf } from './subprogs.js';

export function checkLdImm(env: VerifierEnv, insn: Instruction): void {
  if (op.opSize(insn.opcode) !== op.BPF_DW) env.fail('invalid BPF_LD_IMM insn', 'EINVAL');
  if (insn.off !== 0) env.fail('BPF_LD_IMM64 uses reserved fields', 'EINVAL');
  checkRegArg(env, insn.dst, RegArg.DST_OP);
  const dst = env.cur.regs[insn.dst];
  if (insn.src === 0) {
    dst.type = RegType.SCALAR_VALUE;
    markKnown(dst, imm64(env.insns, env.insnIdx));
    return;
  }
  markKnown(dst, 0n);
  if (insn.src === op.BPF_PSEUDO_FUNC) {
    if (!env.hasFuncInfo) env.fail('missing btf func_info', 'EINVAL');
    dst.type = RegType.PTR_TO_FUNC;
    dst.subprogno = subprogOf(env.subprogs, env.insnIdx + insn.imm + 1);
    return;
  }
  const mapIndex = insn.imm;
  dst.map = mapIndex;
  if (insn.src === op.BPF_PSEUDO_MAP_VALUE || insn.src === op.BPF_PSEUDO_MAP_IDX_VALUE) {
    dst.type = RegType.PTR_TO_MAP_VALUE;
    dst.off = env.insns[env.insnIdx + 1].imm;
  } else {
    dst.type = RegType.CONST_PTR_TO_MAP;
  }
}

const CALLER_SAVED = [0, 1, 2, 3, 4, 5];

export function checkLdAbs(env: VerifierEnv, insn: Instruction): void {
  const regs = env.cur.regs;
  const mode = op.opMode(insn.opcode);
  if (!env.prog.mayAccessSkb) env.fail('BPF_LD_[ABS|IND] instructions not allowed for this program type', 'EINVAL');
  if (insn.dst !== 0 || insn.off !== 0 || op.opSize(insn.opcode) === op.BPF_DW || (mode === op.BPF_ABS && insn.src !== 0)) {
    env.fail('BPF_LD_[ABS|IND] uses reserved fields', 'EINVAL');
  }
  checkRegArg(env, 6, RegArg.SRC_OP);
  checkResourceLeak(env, true, 'BPF_LD_[ABS|IND]');
  if (regs[6].type !== RegType.PTR_TO_CTX) env.fail('at the time of BPF_LD_ABS|IND R6 != pointer to skb', 'EINVAL');
  if (mode === op.BPF_IND) checkRegArg(env, insn.src, RegArg.SRC_OP);
  checkPtrOffReg(env, regs[6], 6, false);
  for (const r of CALLER_SAVED) {
    markRegNotInit(regs[r]);
    checkRegArg(env, r, RegArg.DST_OP_NO_MARK);
  }
  markUnknown(env, regs[0]);
}
