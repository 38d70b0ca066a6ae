import type { Instruction } from '../instruction.js';
import * as op from '../opcodes.js';
import { type DisasmOptions, type LlvmDecoded, UNKNOWN, textOf } from './decoded.js';
import { memOperand, reg } from './format.js';

const FETCH_NAMES = new Map<number, string>([
  [op.BPF_ADD, 'add'], [op.BPF_OR, 'or'], [op.BPF_AND, 'and'], [op.BPF_XOR, 'xor'],
]);
const LOCK_OPERATORS = new Map<number, string>([
  [op.BPF_ADD, '+'], [op.BPF_OR, '|'], [op.BPF_AND, '&'], [op.BPF_XOR, '^'],
]);

/**
 * BPF_STX | BPF_ATOMIC as LLVM 19 decodes it. Only the low byte of imm is
 * looked at: 0xe1 xchg, 0xf1 cmpxchg, otherwise the high nibble picks the
 * operation and a low nibble of exactly 1 (BPF_FETCH) the fetching form.
 * Without ALU32, LLVM knows only one 32-bit atomic: the old `lock ... +=`.
 */
export function decodeAtomic(insn: Instruction, options: DisasmOptions): LlvmDecoded {
  const { opcode, dst, src, off, imm } = insn;
  const size = op.opSize(opcode);
  if (size !== op.BPF_DW && size !== op.BPF_W) return UNKNOWN;
  const wide = size === op.BPF_DW;
  const bits = wide ? 64 : 32;
  const addr = memOperand(dst, off);
  const low = imm & 0xff;
  const operation = low & 0xf0;

  if (!wide && !options.alu32) {
    return operation === op.BPF_ADD ? textOf([addr, reg(src)], (a, s) => `lock *(u32 *)(${a}) += ${s}`) : UNKNOWN;
  }
  const s = reg(src, wide);
  const w32 = wide ? '' : '32';
  if (low === op.BPF_XCHG) return textOf([addr, s], (a, v) => `${v} = xchg${w32}_${bits}(${a}, ${v})`);
  if (low === op.BPF_CMPXCHG) {
    const r0 = wide ? 'r0' : 'w0';
    return textOf([addr, s], (a, v) => `${r0} = cmpxchg${w32}_${bits}(${a}, ${r0}, ${v})`);
  }
  const fetchName = FETCH_NAMES.get(operation);
  if (fetchName === undefined) return UNKNOWN;
  if ((low & 0x0f) === op.BPF_FETCH) {
    return textOf([addr, s], (a, v) => `${v} = atomic_fetch_${fetchName}((u${bits} *)(${a}), ${v})`);
  }
  return textOf([addr, s], (a, v) => `lock *(u${bits} *)(${a}) ${LOCK_OPERATORS.get(operation)}= ${v}`);
}
