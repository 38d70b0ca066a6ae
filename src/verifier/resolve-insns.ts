// The checks the kernel makes on every instruction before any path is
// explored (resolve_pseudo_ldimm64): known opcodes, well-formed lddw and
// map references that name an existing map.
import type { Instruction } from '../isa/instruction.js';
import * as op from '../isa/opcodes.js';
import { VerifierError } from './errors.js';
import type { VerifierMap } from './maps.js';
import { MapType } from './maps.js';

const hex2 = (n: number): string => n.toString(16).padStart(2, '0');

/** bpf_opcode_in_insntable: the opcodes the kernel knows. */
export function opcodeKnown(code: number): boolean {
  const cls = op.opClass(code);
  switch (cls) {
    case op.BPF_ALU:
    case op.BPF_ALU64: {
      const o = op.opCode(code);
      if (o === op.BPF_END) return cls === op.BPF_ALU || op.opSource(code) === op.BPF_K;
      return o <= op.BPF_END && !(o === op.BPF_NEG && op.opSource(code) === op.BPF_X);
    }
    case op.BPF_JMP:
    case op.BPF_JMP32: {
      const o = op.opCode(code);
      if (o === op.BPF_CALL || o === op.BPF_EXIT) return cls === op.BPF_JMP && op.opSource(code) === op.BPF_K;
      if (o === op.BPF_JA) return op.opSource(code) === op.BPF_K;
      if (o === 0xe0) return cls === op.BPF_JMP && op.opSource(code) === op.BPF_K; // may_goto
      return o <= op.BPF_JSLE;
    }
    case op.BPF_LD:
      if (code === op.LD_IMM64) return true;
      return (op.opMode(code) === op.BPF_ABS || op.opMode(code) === op.BPF_IND) && op.opSize(code) !== op.BPF_DW;
    case op.BPF_LDX:
      if (op.opMode(code) === op.BPF_MEM) return true;
      return op.opMode(code) === op.BPF_MEMSX && op.opSize(code) !== op.BPF_DW;
    case op.BPF_ST:
      return op.opMode(code) === op.BPF_MEM;
    case op.BPF_STX:
      if (op.opMode(code) === op.BPF_MEM) return true;
      return op.opMode(code) === op.BPF_ATOMIC;
  }
  return false;
}

const TRACING_TYPES = new Set(['kprobe', 'tracepoint', 'perf_event', 'raw_tracepoint', 'raw_tracepoint_writable']);

/** check_map_prog_compatibility: why a program of this type may not use the map, if it may not. */
function mapProgIncompatibility(map: VerifierMap, progType: string): string | undefined {
  if (map.spinLockOffset === undefined) return undefined;
  if (progType === 'socket_filter') return 'socket filter progs cannot use bpf_spin_lock yet';
  if (TRACING_TYPES.has(progType)) return 'tracing progs cannot use bpf_spin_lock yet';
  return undefined;
}

/** Map references after resolution: lddw index to map index. */
export function resolveInsns(insns: readonly Instruction[], maps: readonly VerifierMap[], progType: string): void {
  const fail = (msg: string, i: number, errno: 'EINVAL' | 'EBADF' = 'EINVAL'): never => {
    throw new VerifierError(msg, i, errno === 'EBADF' ? 'EINVAL' : errno);
  };
  for (let i = 0; i < insns.length; i++) {
    const insn = insns[i];
    const cls = op.opClass(insn.opcode);
    if (cls === op.BPF_LDX && ((op.opMode(insn.opcode) !== op.BPF_MEM && op.opMode(insn.opcode) !== op.BPF_MEMSX) || insn.imm !== 0)) {
      fail('BPF_LDX uses reserved fields', i);
    }
    if (insn.opcode === op.LD_IMM64) {
      const next = insns[i + 1];
      if (i === insns.length - 1 || next.opcode !== 0 || next.dst !== 0 || next.src !== 0 || next.off !== 0) {
        fail('invalid bpf_ld_imm64 insn', i);
      }
      const src = insn.src;
      if (src === op.BPF_PSEUDO_BTF_ID) {
        // Kernel symbols (ksyms) need the kernel's BTF; tsbpf has none to resolve them against.
        if (next.imm !== 0) fail('invalid module BTF object FD specified.', i);
        if (insn.imm <= 0) fail(`ldimm64 insn specifies invalid btf_id ${insn.imm}.`, i);
        fail(`pseudo btf_id ${insn.imm} in ldimm64 isn't KIND_VAR or KIND_FUNC`, i);
      }
      if (src !== 0 && src !== op.BPF_PSEUDO_FUNC) {
        const isValue = src === op.BPF_PSEUDO_MAP_VALUE || src === op.BPF_PSEUDO_MAP_IDX_VALUE;
        const isFd = (src === op.BPF_PSEUDO_MAP_FD || src === op.BPF_PSEUDO_MAP_IDX) && next.imm === 0;
        if (!isValue && !isFd) fail('unrecognized bpf_ld_imm64 insn', i);
        const map = maps[insn.imm];
        if (insn.imm < 0 || !map) fail(`fd ${insn.imm} is not pointing to valid bpf_map`, i);
        const incompatible = mapProgIncompatibility(map, progType);
        if (incompatible) fail(incompatible, i);
        if (src === op.BPF_PSEUDO_MAP_VALUE || src === op.BPF_PSEUDO_MAP_IDX_VALUE) {
          const off = next.imm >>> 0;
          if (off >= 1 << 29) fail(`direct value offset of ${off} is not allowed`, i);
          if (map.type !== MapType.array) fail('no direct value access support for this map type', i);
          if (map.maxEntries !== 1 || off >= map.valueSize) {
            fail(`invalid access to map value pointer, value_size=${map.valueSize} off=${off}`, i);
          }
        }
      }
      i++;
      continue;
    }
    if (!opcodeKnown(insn.opcode)) fail(`unknown opcode ${hex2(insn.opcode)}`, i);
  }
}
