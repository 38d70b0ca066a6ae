// Shared by the disassembler tests: runs LLVM 19's tools (assemble bytes into
// an object, disassemble it) so our text can be compared with theirs.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const OBJDUMP = 'llvm-objdump-19';
export const LLVM_MC = 'llvm-mc-19';
export const CLANG = 'clang-19';

function works(tool: string): boolean {
  const r = spawnSync(tool, ['--version'], { encoding: 'utf8' });
  return r.status === 0;
}

/** Why the LLVM comparison tests cannot run here, or undefined when they can. */
export function llvmMissing(...tools: string[]): string | undefined {
  const missing = [OBJDUMP, LLVM_MC, ...tools].filter((t) => !works(t));
  return missing.length === 0 ? undefined : `${missing.join(', ')} not installed (apt-get install llvm-19 clang-19)`;
}

/** A scratch directory removed by the returned function. */
export function scratch(): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'tsbpf-disasm-'));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** A label llvm-mc places in a section: local NOTYPE by default, or a typed global. */
export interface TestSymbol {
  readonly name: string;
  readonly offset: number;
  readonly type?: 'function' | 'object';
}

export interface TestSection {
  readonly name: string;
  readonly bytes: Uint8Array;
  readonly symbols?: readonly TestSymbol[];
}

/**
 * Assembles raw bytes into an eBPF object with llvm-mc-19: each entry of
 * `sections` becomes an executable section holding exactly those bytes, with
 * its symbols at the given byte offsets.
 */
export function objectFromBytes(dir: string, name: string, sections: readonly TestSection[]): string {
  const lines: string[] = [];
  for (const s of sections) {
    lines.push(`.section "${s.name}","ax",@progbits`);
    const symbols = [...(s.symbols ?? [])].sort((a, b) => a.offset - b.offset);
    let at = 0;
    const emit = (to: number): void => {
      for (; at < to; at += Math.min(64, to - at)) lines.push(`.byte ${[...s.bytes.subarray(at, Math.min(at + 64, to))].join(',')}`);
    };
    for (const sym of symbols) {
      emit(sym.offset);
      if (sym.type !== undefined) lines.push(`.globl ${sym.name}`, `.type ${sym.name},@${sym.type}`);
      lines.push(`${sym.name}:`);
    }
    emit(s.bytes.length);
  }
  const source = join(dir, `${name}.s`);
  const object = join(dir, `${name}.o`);
  writeFileSync(source, `${lines.join('\n')}\n`);
  execFileSync(LLVM_MC, ['-triple', 'bpfel', '-mcpu=v4', '-filetype=obj', source, '-o', object]);
  return object;
}

/** llvm-objdump-19's stdout for `-d` plus extra arguments. */
export function objdump(object: string, ...args: string[]): string {
  return execFileSync(OBJDUMP, ['-d', ...args, object], { encoding: 'utf8', maxBuffer: 1 << 30 });
}

export const readBytes = (path: string): Uint8Array => new Uint8Array(readFileSync(path));

/** The first differing lines of two listings, for assertion messages (empty when equal). */
export function lineDiff(ours: string, theirs: string, limit = 8): string[] {
  const a = ours.split('\n');
  const b = theirs.split('\n');
  const out: string[] = [];
  for (let i = 0; i < Math.max(a.length, b.length) && out.length < limit; i++) {
    if (a[i] !== b[i]) out.push(`line ${i + 1}:\n  ours:   ${JSON.stringify(a[i])}\n  llvm:   ${JSON.stringify(b[i])}`);
  }
  return out;
}

/** Little-endian bytes of instruction slots given as fields. */
export function slotBytes(slots: ReadonlyArray<{ opcode: number; dst: number; src: number; off: number; imm: number }>): Uint8Array {
  const bytes = new Uint8Array(slots.length * 8);
  const view = new DataView(bytes.buffer);
  slots.forEach((s, i) => {
    bytes[i * 8] = s.opcode;
    bytes[i * 8 + 1] = (s.dst & 0xf) | ((s.src & 0xf) << 4);
    view.setInt16(i * 8 + 2, s.off, true);
    view.setInt32(i * 8 + 4, s.imm, true);
  });
  return bytes;
}
