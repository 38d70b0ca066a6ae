import { imm64 } from '../../isa/instruction.js';
import * as op from '../../isa/opcodes.js';
import { codeAddress } from '../abi.js';
import type { FunctionEmitter } from './function-emitter.js';
import { lowerAlu } from './lower-alu.js';
import { lowerCall } from './lower-call.js';
import { lowerAtomic, lowerLoad, lowerPacketLoad, lowerStore } from './lower-memory.js';

/** Emits one instruction that is not a jump or exit (those belong to the structuring pass). */
export function lowerInstruction(e: FunctionEmitter, pc: number): void {
  const insn = e.ctx.insns[pc];
  switch (op.opClass(insn.opcode)) {
    case op.BPF_ALU:
    case op.BPF_ALU64:
      lowerAlu(e, insn);
      return;
    case op.BPF_LDX:
      lowerLoad(e, pc, insn);
      return;
    case op.BPF_ST:
      lowerStore(e, pc, insn);
      return;
    case op.BPF_STX:
      if (op.opMode(insn.opcode) === op.BPF_ATOMIC) lowerAtomic(e, pc, insn);
      else lowerStore(e, pc, insn);
      return;
    case op.BPF_LD:
      if (insn.opcode === op.LD_IMM64) {
        // A function's address (BPF_PSEUDO_FUNC) is its code address; other pseudo sources are refused at compile time.
        e.i64big(insn.src === op.BPF_PSEUDO_FUNC ? codeAddress(pc + insn.imm + 1) : imm64(e.ctx.insns, pc));
        e.set(insn.dst);
      } else {
        lowerPacketLoad(e, pc, insn);
      }
      return;
    case op.BPF_JMP:
      if (op.opCode(insn.opcode) === op.BPF_CALL) {
        lowerCall(e, pc, insn);
        return;
      }
  }
  throw new Error(`jit: instruction ${pc} (opcode 0x${insn.opcode.toString(16)}) is not lowered here`);
}
