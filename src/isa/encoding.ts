import { DecodeError } from './errors.js';
import type { Instruction } from './instruction.js';
import { validateInstructions } from './validate.js';

export const INSN_SIZE = 8;

/**
 * Splits little-endian bytecode into instruction slots without judging them.
 * Throws only when the length is not a whole number of slots.
 */
export function decodeRaw(bytes: Uint8Array): Instruction[] {
  if (bytes.length % INSN_SIZE !== 0) {
    throw new DecodeError(Math.floor(bytes.length / INSN_SIZE),
      `truncated: ${bytes.length} bytes is not a multiple of ${INSN_SIZE}`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const insns: Instruction[] = new Array(bytes.length / INSN_SIZE);
  for (let i = 0; i < insns.length; i++) {
    const at = i * INSN_SIZE;
    const regs = bytes[at + 1];
    insns[i] = {
      opcode: bytes[at],
      dst: regs & 0x0f,
      src: regs >> 4,
      off: view.getInt16(at + 2, true),
      imm: view.getInt32(at + 4, true),
    };
  }
  return insns;
}

/** Decodes bytecode and checks that it is a well-formed program (see validate). */
export function decode(bytes: Uint8Array): Instruction[] {
  const insns = decodeRaw(bytes);
  validateInstructions(insns);
  return insns;
}

/** Encodes instruction slots as little-endian bytecode. */
export function encode(insns: readonly Instruction[]): Uint8Array {
  const bytes = new Uint8Array(insns.length * INSN_SIZE);
  const view = new DataView(bytes.buffer);
  insns.forEach((insn, i) => {
    const at = i * INSN_SIZE;
    bytes[at] = insn.opcode & 0xff;
    bytes[at + 1] = (insn.dst & 0x0f) | ((insn.src & 0x0f) << 4);
    view.setInt16(at + 2, insn.off, true);
    view.setInt32(at + 4, insn.imm, true);
  });
  return bytes;
}
