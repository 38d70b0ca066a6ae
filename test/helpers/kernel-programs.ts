// Builders for the small kernel programs that the helper differential tests
// load: instruction encoders and a frozen read-only array map for constant strings.
import type { Instruction } from '../../src/isa/instruction.js';
import { ldImm64 } from '../../src/isa/instruction.js';
import { BPF_PSEUDO_MAP_VALUE } from '../../src/isa/opcodes.js';
import { KernelMap } from '../../src/kernel/index.js';
import { BpfAttr } from '../../src/kernel/bpf-attr.js';
import { sysBpf } from '../../src/kernel/syscall.js';
import { BpfCmd } from '../../src/kernel/uapi.js';
import { BPF_F_RDONLY_PROG } from '../../src/maps/flags.js';

export const insn = (opcode: number, dst: number, src: number, off: number, imm: number): Instruction => ({ opcode, dst, src, off, imm });
/** r = imm (mov64). */
export const movImm = (dst: number, imm: number): Instruction => insn(0xb7, dst, 0, 0, imm);
/** *(u64 *)(dst + off) = src */
export const stxDw = (dst: number, off: number, src: number): Instruction => insn(0x7b, dst, src, off, 0);
/** *(u32 *)(dst + off) = src */
export const stxW = (dst: number, off: number, src: number): Instruction => insn(0x63, dst, src, off, 0);
/** dst = *(u32 *)(src + off) */
export const ldxW = (dst: number, src: number, off: number): Instruction => insn(0x61, dst, src, off, 0);
export const call = (id: number): Instruction => insn(0x85, 0, 0, 0, id);
export const exit = (): Instruction => insn(0x95, 0, 0, 0, 0);
/** r = &map_value(fd)[off] (BPF_PSEUDO_MAP_VALUE). */
export const mapValue = (dst: number, fd: number, off = 0): Instruction[] => ldImm64(dst, (BigInt(off) << 32n) | BigInt(fd), BPF_PSEUDO_MAP_VALUE);

/** A one-element array map with `bytes` as its value (rounded up to 8 bytes). */
export function valueMap(bytes: Uint8Array, size = bytes.length, flags = 0): KernelMap {
  const valueSize = Math.max(8, (size + 7) & ~7);
  const map = KernelMap.create({ type: 'BPF_MAP_TYPE_ARRAY', keySize: 4, valueSize, maxEntries: 1, flags, name: 'tsbpf_helper' });
  const value = new Uint8Array(valueSize);
  value.set(bytes.subarray(0, valueSize));
  map.update(new Uint8Array(4), value);
  return map;
}

/** A frozen, program-read-only map holding a NUL-terminated string (what ARG_PTR_TO_CONST_STR needs). */
export function constStringMap(text: Uint8Array): KernelMap {
  const bytes = new Uint8Array(text.length + 1);
  bytes.set(text);
  const map = valueMap(bytes, bytes.length, BPF_F_RDONLY_PROG);
  sysBpf(BpfCmd.BPF_MAP_FREEZE, new BpfAttr().u32(0, map.fd));
  return map;
}

/** The single value of a valueMap. */
export const valueOf = (map: KernelMap): Uint8Array => map.lookup(new Uint8Array(4))!;
