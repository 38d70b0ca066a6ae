import type { Instruction } from '../../isa/instruction.js';
import { BPF_PSEUDO_FUNC, LD_IMM64 } from '../../isa/opcodes.js';
import { CODE_BASE } from '../abi.js';
import { UnresolvedReferenceError } from './errors.js';

/**
 * A program pre-decoded for the interpreter's loop: two 32-bit words per slot,
 * `opcode | dst << 8 | src << 12 | off << 16` and `imm`. One extra slot of
 * opcode 0 ends the array, so running off the end lands on the same trap as a
 * stray second half of an lddw. BPF_PSEUDO_FUNC lddws become plain imm64 loads
 * of the function's code address.
 */
export interface DecodedProgram {
  readonly words: Int32Array;
  /** Number of real slots (without the trap slot). */
  readonly length: number;
  /** 1 where a slot is the second half of an lddw (not a valid call target). */
  readonly secondHalf: Uint8Array;
}

const CODE_LO = Number(CODE_BASE & 0xffffffffn);
const CODE_HI = Number(CODE_BASE >> 32n) | 0;

export function predecode(insns: readonly Instruction[]): DecodedProgram {
  const n = insns.length;
  const words = new Int32Array(2 * (n + 1));
  const secondHalf = new Uint8Array(n + 1);
  for (let i = 0; i < n; i++) {
    const { opcode, dst, src, off, imm } = insns[i];
    words[2 * i] = opcode | (dst << 8) | (src << 12) | (off << 16);
    words[2 * i + 1] = imm;
    if (opcode !== LD_IMM64) continue;
    secondHalf[i + 1] = 1;
    words[2 * i + 3] = insns[i + 1].imm;
    if (src === BPF_PSEUDO_FUNC) {
      const target = i + imm + 1;
      words[2 * i] = opcode | (dst << 8);
      words[2 * i + 1] = (CODE_LO + 8 * target) | 0;
      words[2 * i + 3] = CODE_HI;
    } else if (src !== 0) {
      throw new UnresolvedReferenceError(i, src);
    }
    i++;
  }
  secondHalf[n] = 1;
  return { words, length: n, secondHalf };
}

/** The slot a code address (CODE_BASE + 8 * slot) names, or -1 when it names none. */
export function codeSlot(program: DecodedProgram, lo: number, hi: number): number {
  if (hi !== CODE_HI) return -1;
  const delta = (lo >>> 0) - CODE_LO;
  if (delta < 0 || delta % 8 !== 0) return -1;
  const slot = delta / 8;
  return slot < program.length && !program.secondHalf[slot] ? slot : -1;
}
