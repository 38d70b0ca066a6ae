import type { LineInfo, ProgramSpec } from './object-spec.js';

/**
 * The source line an instruction belongs to: the last line_info record at
 * or before it within the same function (clang emits a record where a line
 * starts, and every following instruction belongs to it). Undefined without
 * line info.
 */
export function lineInfoAt(program: Pick<ProgramSpec, 'lineInfo' | 'functions'>, insn: number): LineInfo | undefined {
  const fn = program.functions.find((f) => insn >= f.insn && insn < f.insn + f.length);
  const lo = fn?.insn ?? 0;
  let found: LineInfo | undefined;
  let a = 0;
  let b = program.lineInfo.length;
  while (a < b) {
    const mid = (a + b) >> 1;
    if (program.lineInfo[mid].insn <= insn) { found = program.lineInfo[mid]; a = mid + 1; } else b = mid;
  }
  return found !== undefined && found.insn >= lo ? found : undefined;
}

/** `file:line:column` of a line_info record, as compilers print positions. */
export const formatLineInfo = (li: LineInfo): string => `${li.fileName}:${li.line}:${li.column}`;
