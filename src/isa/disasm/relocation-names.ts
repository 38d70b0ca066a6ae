/** Names of the BPF relocation types (llvm/BinaryFormat/ELFRelocs/BPF.def), as llvm-objdump prints them. */
const BPF_RELOCATION_NAMES = new Map<number, string>([
  [0, 'R_BPF_NONE'],
  [1, 'R_BPF_64_64'],
  [2, 'R_BPF_64_ABS64'],
  [3, 'R_BPF_64_ABS32'],
  [4, 'R_BPF_64_NODYLD32'],
  [10, 'R_BPF_64_32'],
]);

export const relocationTypeName = (type: number): string => BPF_RELOCATION_NAMES.get(type) ?? 'Unknown';
