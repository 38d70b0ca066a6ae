// Mutations of generated programs: one field of one instruction replaced by
// a value near the edges (for soundness and kernel-agreement tests).
import fc from 'fast-check';
import type { Instruction } from '../../src/isa/instruction.js';

/** Opcodes the kernel knows (bpf_opcode_in_insntable), for opcode mutations. */
export const KNOWN_OPCODES = [
  0x07, 0x0f, 0x17, 0x1f, 0x27, 0x2f, 0x37, 0x3f, 0x47, 0x4f, 0x57, 0x5f, 0x67, 0x6f, 0x77, 0x7f, 0x87, 0x97, 0x9f,
  0xa7, 0xaf, 0xb7, 0xbf, 0xc7, 0xcf, 0x04, 0x0c, 0x14, 0x1c, 0x24, 0x34, 0x44, 0x54, 0x64, 0x74, 0x84, 0xa4, 0xb4,
  0xbc, 0xc4, 0xcc, 0xd4, 0xdc, 0xd7, 0x61, 0x69, 0x71, 0x79, 0x81, 0x89, 0x91, 0x62, 0x6a, 0x72, 0x7a, 0x63, 0x6b,
  0x73, 0x7b, 0xc3, 0xdb, 0x05, 0x15, 0x1d, 0x25, 0x2d, 0x35, 0x45, 0x55, 0x5d, 0x65, 0x6d, 0xa5, 0xad, 0xc5, 0xd5,
  0x16, 0x1e, 0x26, 0xa6, 0xc6, 0x85, 0x95, 0x06,
];

export interface Mutation {
  readonly at: number;
  readonly field: 'opcode' | 'dst' | 'src' | 'off' | 'imm';
  readonly value: number;
}

export const mutationArb: fc.Arbitrary<Mutation> = fc.record({
  at: fc.nat(),
  field: fc.constantFrom('opcode', 'dst', 'src', 'off', 'imm') as fc.Arbitrary<Mutation['field']>,
  value: fc.oneof(
    fc.constantFrom(...KNOWN_OPCODES),
    fc.integer({ min: -16, max: 16 }),
    fc.constantFrom(0, 1, -1, 7, 8, 63, 64, 255, 256, 511, 512, -512, 0x7fff, -0x8000, 0x7fffffff, -0x80000000),
    fc.integer({ min: -600, max: 600 }),
  ),
}) as fc.Arbitrary<Mutation>;

export function mutate(insns: readonly Instruction[], mutations: readonly Mutation[]): Instruction[] {
  const out = insns.map((i) => ({ ...i }));
  for (const m of mutations) {
    const insn = out[m.at % out.length];
    switch (m.field) {
      case 'opcode': insn.opcode = KNOWN_OPCODES[Math.abs(m.value) % KNOWN_OPCODES.length]; break;
      case 'dst': insn.dst = Math.abs(m.value) % 11; break;
      case 'src': insn.src = Math.abs(m.value) % 11; break;
      case 'off': insn.off = Math.max(-0x8000, Math.min(0x7fff, m.value)); break;
      case 'imm': insn.imm = m.value | 0; break;
    }
  }
  return out;
}
