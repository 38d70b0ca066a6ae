import type { ProgramSpec } from './object-spec.js';

/** func_info or line_info as BPF_PROG_LOAD takes them: record size, count and the records. */
export interface KernelExtRecords {
  readonly recordSize: number;
  readonly count: number;
  readonly bytes: Uint8Array;
}

/** struct bpf_func_info per function of the linked program (insn_off in instructions), or null without BTF. */
export function kernelFuncInfo(program: ProgramSpec): KernelExtRecords | null {
  if (program.functions.some((f) => f.btfId === 0)) return null;
  const bytes = new Uint8Array(program.functions.length * 8);
  const view = new DataView(bytes.buffer);
  program.functions.forEach((f, i) => {
    view.setUint32(i * 8, f.insn, true);
    view.setUint32(i * 8 + 4, f.btfId, true);
  });
  return { recordSize: 8, count: program.functions.length, bytes };
}

/** struct bpf_line_info per record (insn_off in instructions, string offsets into the object's BTF), or null. */
export function kernelLineInfo(program: ProgramSpec): KernelExtRecords | null {
  if (program.lineInfo.length === 0) return null;
  const bytes = new Uint8Array(program.lineInfo.length * 16);
  const view = new DataView(bytes.buffer);
  program.lineInfo.forEach((li, i) => {
    view.setUint32(i * 16, li.insn, true);
    view.setUint32(i * 16 + 4, li.fileNameOff, true);
    view.setUint32(i * 16 + 8, li.lineOff, true);
    view.setUint32(i * 16 + 12, ((li.line << 10) | (li.column & 0x3ff)) >>> 0, true);
  });
  return { recordSize: 16, count: program.lineInfo.length, bytes };
}
