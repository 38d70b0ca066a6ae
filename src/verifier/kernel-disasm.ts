// One instruction as the kernel's verifier log prints it (kernel/bpf/disasm.c
// print_bpf_insn), e.g. `(b7) r0 = 1`, `(85) call bpf_map_lookup_elem#1`,
// `(61) r2 = *(u32 *)(r1 +76)`. This differs from llvm-objdump's syntax.
import type { Instruction } from '../isa/instruction.js';
import { imm64 } from '../isa/instruction.js';
import * as op from '../isa/opcodes.js';
import { helperNameOf } from '../helpers/ids.js';

const ALU_STR: Record<number, string> = {
  [op.BPF_ADD]: '+=', [op.BPF_SUB]: '-=', [op.BPF_MUL]: '*=', [op.BPF_DIV]: '/=', [op.BPF_OR]: '|=',
  [op.BPF_AND]: '&=', [op.BPF_LSH]: '<<=', [op.BPF_RSH]: '>>=', [op.BPF_NEG]: 'neg', [op.BPF_MOD]: '%=',
  [op.BPF_XOR]: '^=', [op.BPF_MOV]: '=', [op.BPF_ARSH]: 's>>=', [op.BPF_END]: 'endian',
};
const ALU_SIGN_STR: Record<number, string> = { [op.BPF_DIV]: 's/=', [op.BPF_MOD]: 's%=' };
const MOVSX_STR: Record<number, string> = { 8: '(s8)', 16: '(s16)', 32: '(s32)' };
const ATOMIC_ALU_STR: Record<number, string> = { [op.BPF_ADD]: 'add', [op.BPF_AND]: 'and', [op.BPF_OR]: 'or', [op.BPF_XOR]: 'xor' };
const LDST_STR: Record<number, string> = { [op.BPF_W]: 'u32', [op.BPF_H]: 'u16', [op.BPF_B]: 'u8', [op.BPF_DW]: 'u64' };
const LDSX_STR: Record<number, string> = { [op.BPF_W]: 's32', [op.BPF_H]: 's16', [op.BPF_B]: 's8' };
const JMP_STR: Record<number, string> = {
  [op.BPF_JA]: 'jmp', [op.BPF_JEQ]: '==', [op.BPF_JGT]: '>', [op.BPF_JLT]: '<', [op.BPF_JGE]: '>=',
  [op.BPF_JLE]: '<=', [op.BPF_JSET]: '&', [op.BPF_JNE]: '!=', [op.BPF_JSGT]: 's>', [op.BPF_JSLT]: 's<',
  [op.BPF_JSGE]: 's>=', [op.BPF_JSLE]: 's<=', [op.BPF_CALL]: 'call', [op.BPF_EXIT]: 'exit',
};
const CLASS_STR = ['ld', 'ldx', 'st', 'stx', 'alu', 'jmp', 'jmp32', 'alu64'];

const hex2 = (n: number): string => n.toString(16).padStart(2, '0');
/** Where the VM's maps would live in a kernel: synthetic addresses, one page (map) or 1 MiB (value) apart. */
const MAP_ADDR_BASE = 0xffff888100000000n;
const MAP_VALUE_ADDR_BASE = 0xffffc90000000000n;

/**
 * The 64-bit immediate as the kernel prints it once the map references are
 * resolved: a map's address, or the address of a byte of its value.
 */
function loadedImm64(insns: readonly Instruction[], index: number): bigint {
  const insn = insns[index];
  const next = insns[index + 1];
  switch (insn.src) {
    case op.BPF_PSEUDO_MAP_FD: case op.BPF_PSEUDO_MAP_IDX:
      return MAP_ADDR_BASE + BigInt(insn.imm >>> 0) * 0x1000n;
    case op.BPF_PSEUDO_MAP_VALUE: case op.BPF_PSEUDO_MAP_IDX_VALUE:
      return MAP_VALUE_ADDR_BASE + BigInt(insn.imm >>> 0) * 0x100000n + BigInt(next ? next.imm >>> 0 : 0);
    default:
      return imm64(insns, index);
  }
}

/** printf's %+d */
const plusD = (n: number): string => (n >= 0 ? `+${n}` : `${n}`);

/** The name the kernel prints for helper `id`: `bpf_<name>`, or `unknown`. */
export function kernelHelperName(id: number): string {
  const name = helperNameOf(id);
  return name && id !== 0 ? `bpf_${name}` : 'unknown';
}

/**
 * The kernel's text for the instruction at `index` (without the `N: ` index
 * prefix and without the newline). `allowPtrLeaks` shows map addresses in
 * lddw as the kernel does for privileged loaders.
 */
export function kernelInsnText(insns: readonly Instruction[], index: number, allowPtrLeaks = true): string {
  const insn = insns[index];
  const code = insn.opcode;
  const cls = op.opClass(code);
  const c = `(${hex2(code)})`;
  if (cls === op.BPF_ALU || cls === op.BPF_ALU64) {
    const r = cls === op.BPF_ALU ? 'w' : 'r';
    const o = op.opCode(code);
    if (o === op.BPF_END) {
      if (cls === op.BPF_ALU64) return `${c} r${insn.dst} = bswap${insn.imm} r${insn.dst}`;
      return `${c} r${insn.dst} = ${op.opSource(code) === op.BPF_TO_BE ? 'be' : 'le'}${insn.imm} r${insn.dst}`;
    }
    if (o === op.BPF_NEG) return `${c} ${r}${insn.dst} = -${r}${insn.dst}`;
    if (code === (op.BPF_ALU64 | op.BPF_MOV | op.BPF_X) && insn.off === 1) {
      return `${c} r${insn.dst} = addr_space_cast(r${insn.src}, ${(insn.imm >>> 0) >>> 16}, ${insn.imm & 0xffff})`;
    }
    if (code === (op.BPF_ALU64 | op.BPF_MOV | op.BPF_X) && insn.off === -1) {
      return `${c} r${insn.dst} = &(void __percpu *)(r${insn.src})`;
    }
    const sdiv = (o === op.BPF_DIV || o === op.BPF_MOD) && insn.off === 1;
    const opStr = sdiv ? ALU_SIGN_STR[o] : ALU_STR[o];
    if (op.opSource(code) === op.BPF_X) {
      const movsx = o === op.BPF_MOV && (insn.off === 8 || insn.off === 16 || insn.off === 32) ? MOVSX_STR[insn.off] : '';
      return `${c} ${r}${insn.dst} ${opStr} ${movsx}${r}${insn.src}`;
    }
    return `${c} ${r}${insn.dst} ${opStr} ${insn.imm}`;
  }
  if (cls === op.BPF_STX) {
    const size = LDST_STR[op.opSize(code)];
    const mode = op.opMode(code);
    if (mode === op.BPF_MEM) return `${c} *(${size} *)(r${insn.dst} ${plusD(insn.off)}) = r${insn.src}`;
    if (mode === op.BPF_ATOMIC) {
      const bits = op.opSize(code) === op.BPF_DW ? '64' : '';
      const imm = insn.imm;
      if (imm === op.BPF_ADD || imm === op.BPF_AND || imm === op.BPF_OR || imm === op.BPF_XOR) {
        return `${c} lock *(${size} *)(r${insn.dst} ${plusD(insn.off)}) ${ALU_STR[imm]} r${insn.src}`;
      }
      if ((imm & op.BPF_FETCH) && ATOMIC_ALU_STR[imm & ~op.BPF_FETCH] && imm !== op.BPF_XCHG && imm !== op.BPF_CMPXCHG) {
        return `${c} r${insn.src} = atomic${bits}_fetch_${ATOMIC_ALU_STR[imm & ~op.BPF_FETCH]}((${size} *)(r${insn.dst} ${plusD(insn.off)}), r${insn.src})`;
      }
      if (imm === op.BPF_CMPXCHG) {
        return `${c} r0 = atomic${bits}_cmpxchg((${size} *)(r${insn.dst} ${plusD(insn.off)}), r0, r${insn.src})`;
      }
      if (imm === 0x100) return `${c} r${insn.dst} = load_acquire((${size} *)(r${insn.src} ${plusD(insn.off)}))`;
      if (imm === 0x110) return `${c} store_release((${size} *)(r${insn.dst} ${plusD(insn.off)}), r${insn.src})`;
      if (imm === op.BPF_XCHG) {
        return `${c} r${insn.src} = atomic${bits}_xchg((${size} *)(r${insn.dst} ${plusD(insn.off)}), r${insn.src})`;
      }
    }
    return `BUG_${hex2(code)}`;
  }
  if (cls === op.BPF_ST) {
    if (op.opMode(code) === op.BPF_MEM) {
      return `${c} *(${LDST_STR[op.opSize(code)]} *)(r${insn.dst} ${plusD(insn.off)}) = ${insn.imm}`;
    }
    return `BUG_st_${hex2(code)}`;
  }
  if (cls === op.BPF_LDX) {
    const mode = op.opMode(code);
    if (mode !== op.BPF_MEM && mode !== op.BPF_MEMSX) return `BUG_ldx_${hex2(code)}`;
    const size = mode === op.BPF_MEM ? LDST_STR[op.opSize(code)] : LDSX_STR[op.opSize(code)];
    return `${c} r${insn.dst} = *(${size} *)(r${insn.src} ${plusD(insn.off)})`;
  }
  if (cls === op.BPF_LD) {
    const mode = op.opMode(code);
    const size = LDST_STR[op.opSize(code)];
    if (mode === op.BPF_ABS) return `${c} r0 = *(${size} *)skb[${insn.imm}]`;
    if (mode === op.BPF_IND) return `${c} r0 = *(${size} *)skb[r${insn.src} + ${insn.imm}]`;
    if (code === op.LD_IMM64) {
      let v = loadedImm64(insns, index);
      const isPtr = insn.src === op.BPF_PSEUDO_MAP_FD || insn.src === op.BPF_PSEUDO_MAP_VALUE;
      if (isPtr && !allowPtrLeaks) v = 0n;
      return `${c} r${insn.dst} = 0x${v.toString(16)}`;
    }
    return `BUG_ld_${hex2(code)}`;
  }
  if (cls === op.BPF_JMP || cls === op.BPF_JMP32) {
    const o = op.opCode(code);
    const r = cls === op.BPF_JMP32 ? 'w' : 'r';
    if (o === op.BPF_CALL) {
      if (insn.src === op.BPF_PSEUDO_CALL) return `${c} call pc${plusD(insn.imm)}`;
      if (insn.src === op.BPF_PSEUDO_KFUNC_CALL) return `${c} call kernel-function#${insn.imm}`;
      return `${c} call ${kernelHelperName(insn.imm)}#${insn.imm}`;
    }
    if (code === (op.BPF_JMP | op.BPF_JA)) return `${c} goto pc${plusD(insn.off)}`;
    if (code === (op.BPF_JMP32 | op.BPF_JA)) return `${c} gotol pc${plusD(insn.imm)}`;
    if (code === (op.BPF_JMP | op.BPF_EXIT)) return `${c} exit`;
    if (op.opSource(code) === op.BPF_X) {
      return `${c} if ${r}${insn.dst} ${JMP_STR[o]} ${r}${insn.src} goto pc${plusD(insn.off)}`;
    }
    return `${c} if ${r}${insn.dst} ${JMP_STR[o]} 0x${(insn.imm >>> 0).toString(16)} goto pc${plusD(insn.off)}`;
  }
  return `${c} ${CLASS_STR[cls]}`;
}
