import { BPF_CALL, BPF_EXIT, BPF_JMP } from '../../isa/opcodes.js';
import type { BpfProgTypeName } from '../uapi.js';
import { probeLoad } from './probe-program-type.js';

/**
 * Whether programs of type `type` may call helper `helperId` (libbpf's
 * libbpf_probe_bpf_helper): a program that calls it is loaded, and only the
 * verifier's "unknown func" / "invalid func" (no such helper) and "program
 * of this type cannot use helper" count as no; any other complaint (its
 * arguments are unset) means the helper exists for the type.
 */
export function probeHelper(type: BpfProgTypeName, helperId: number): boolean {
  const result = probeLoad(type, [
    { opcode: BPF_JMP | BPF_CALL, dst: 0, src: 0, off: 0, imm: helperId },
    { opcode: 0xb7, dst: 0, src: 0, off: 0, imm: 0 },
    { opcode: BPF_JMP | BPF_EXIT, dst: 0, src: 0, off: 0, imm: 0 },
  ]);
  if (result.ok) return true;
  const log = result.log;
  if (log.trim() === '') return false;
  return !/invalid func |unknown func |program of this type cannot use helper /.test(log);
}
