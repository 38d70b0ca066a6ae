// Instruction fields of RFC 9669 / include/uapi/linux/bpf.h, with the kernel's names.

/** Instruction classes: the low three bits of the opcode. */
export const BPF_LD = 0x00;
export const BPF_LDX = 0x01;
export const BPF_ST = 0x02;
export const BPF_STX = 0x03;
export const BPF_ALU = 0x04;
export const BPF_JMP = 0x05;
export const BPF_JMP32 = 0x06;
export const BPF_ALU64 = 0x07;

/** Size modifier of load and store instructions. */
export const BPF_W = 0x00;
export const BPF_H = 0x08;
export const BPF_B = 0x10;
export const BPF_DW = 0x18;

/** Mode modifier of load and store instructions. */
export const BPF_IMM = 0x00;
export const BPF_ABS = 0x20;
export const BPF_IND = 0x40;
export const BPF_MEM = 0x60;
export const BPF_MEMSX = 0x80;
export const BPF_ATOMIC = 0xc0;

/** Source operand of ALU and jump instructions (and byte order of BPF_END). */
export const BPF_K = 0x00;
export const BPF_X = 0x08;
export const BPF_TO_LE = 0x00;
export const BPF_TO_BE = 0x08;

/** ALU operations (high four bits). */
export const BPF_ADD = 0x00;
export const BPF_SUB = 0x10;
export const BPF_MUL = 0x20;
export const BPF_DIV = 0x30;
export const BPF_OR = 0x40;
export const BPF_AND = 0x50;
export const BPF_LSH = 0x60;
export const BPF_RSH = 0x70;
export const BPF_NEG = 0x80;
export const BPF_MOD = 0x90;
export const BPF_XOR = 0xa0;
export const BPF_MOV = 0xb0;
export const BPF_ARSH = 0xc0;
export const BPF_END = 0xd0;

/** Jump operations (high four bits). */
export const BPF_JA = 0x00;
export const BPF_JEQ = 0x10;
export const BPF_JGT = 0x20;
export const BPF_JGE = 0x30;
export const BPF_JSET = 0x40;
export const BPF_JNE = 0x50;
export const BPF_JSGT = 0x60;
export const BPF_JSGE = 0x70;
export const BPF_CALL = 0x80;
export const BPF_EXIT = 0x90;
export const BPF_JLT = 0xa0;
export const BPF_JLE = 0xb0;
export const BPF_JSLT = 0xc0;
export const BPF_JSLE = 0xd0;
/** may_goto: a jump taken once the program's loop budget runs out (the kernel's BPF_JCOND). */
export const BPF_JCOND = 0xe0;

/** Atomic operations, in the imm field of BPF_ATOMIC instructions. */
export const BPF_FETCH = 0x01;
export const BPF_XCHG = 0xe0 | BPF_FETCH;
export const BPF_CMPXCHG = 0xf0 | BPF_FETCH;

/** src_reg of BPF_LD | BPF_IMM | BPF_DW: what the 64-bit immediate means. */
export const BPF_PSEUDO_MAP_FD = 1;
export const BPF_PSEUDO_MAP_VALUE = 2;
export const BPF_PSEUDO_BTF_ID = 3;
export const BPF_PSEUDO_FUNC = 4;
export const BPF_PSEUDO_MAP_IDX = 5;
export const BPF_PSEUDO_MAP_IDX_VALUE = 6;

/** src_reg of BPF_JMP | BPF_CALL: helper id, bpf-to-bpf call, or kfunc. */
export const BPF_HELPER_CALL = 0;
export const BPF_PSEUDO_CALL = 1;
export const BPF_PSEUDO_KFUNC_CALL = 2;

/** Registers. R10 is the read-only frame pointer. */
export const BPF_REG_0 = 0;
export const BPF_REG_1 = 1;
export const BPF_REG_10 = 10;
export const MAX_BPF_REG = 11;

/** Bytes of stack per frame and nesting depth of bpf-to-bpf calls, as the kernel. */
export const MAX_BPF_STACK = 512;
export const MAX_CALL_FRAMES = 8;

/** The fixed opcode of the 64-bit immediate load (two instruction slots). */
export const LD_IMM64 = BPF_LD | BPF_DW | BPF_IMM;

export const opClass = (opcode: number): number => opcode & 0x07;
export const opSize = (opcode: number): number => opcode & 0x18;
export const opMode = (opcode: number): number => opcode & 0xe0;
export const opSource = (opcode: number): number => opcode & 0x08;
export const opCode = (opcode: number): number => opcode & 0xf0;

/** Bytes moved by a load/store of the given size modifier. */
export function sizeBytes(size: number): 1 | 2 | 4 | 8 {
  switch (size) {
    case BPF_B: return 1;
    case BPF_H: return 2;
    case BPF_W: return 4;
    default: return 8;
  }
}

export const isAluClass = (cls: number): boolean => cls === BPF_ALU || cls === BPF_ALU64;
export const isJmpClass = (cls: number): boolean => cls === BPF_JMP || cls === BPF_JMP32;
