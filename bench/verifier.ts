// The verifier's speed (issue 4): src/verifier's verify() on every program of
// every fixture and on a large generated program with loops, beside the
// kernel's BPF_PROG_LOAD wall time for the same instructions (same run, same
// machine). Medians of repeated runs.
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { kernelFuncInfo, kernelLineInfo } from '../src/elf/kernel-records.js';
import { loadObjectSpec } from '../src/elf/load.js';
import type { Instruction } from '../src/isa/instruction.js';
import { kernelAvailable, KernelProgram } from '../src/kernel/index.js';
import { KernelObject } from '../src/kernel/object/kernel-object.js';
import { loadProgramSpec } from '../src/kernel/object/load-program.js';
import { relocateWithFds } from '../src/kernel/object/relocate-fds.js';
import { attachBtfId } from '../src/kernel/object/attach-btf.js';
import { loadVmlinuxBtf } from '../src/btf/vmlinux.js';
import { verifyProgramSpec } from '../src/verifier/verify-object.js';
import { verify } from '../src/verifier/verify.js';
import { formatNumber, formatTable } from './table.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/** Median wall time of `fn` in ms: at least `min` runs and ~`budgetMs` of them. */
function medianMs(fn: () => void, budgetMs: number, min = 5): number {
  const samples: number[] = [];
  const start = performance.now();
  while (samples.length < min || (performance.now() - start < budgetMs && samples.length < 200)) {
    const t = performance.now();
    fn();
    samples.push(performance.now() - t);
  }
  samples.sort((a, b) => a - b);
  return samples[samples.length >> 1];
}

const insn = (opcode: number, dst: number, src: number, off: number, imm: number): Instruction => ({ opcode, dst, src, off, imm });

/**
 * A socket filter of `blocks` bounded loops (8 iterations each) of 32
 * instructions: ALU on a running value, a stack spill and fill, the counter
 * and its back-edge. Both verifiers walk each loop by unrolling it.
 */
export function loopProgram(blocks: number): Instruction[] {
  const out: Instruction[] = [insn(0xb7, 7, 0, 0, 1)];
  for (let b = 0; b < blocks; b++) {
    const slot = -8 * ((b % 8) + 1);
    out.push(insn(0xb7, 1, 0, 0, 0)); // r1 = 0
    const top = out.length;
    for (let k = 0; k < 6; k++) {
      out.push(insn(0xbf, 2, 1, 0, 0)); // r2 = r1
      out.push(insn(0x27, 2, 0, 0, 2654435761 | 0)); // r2 *= K
      out.push(insn(0x0f, 7, 2, 0, 0)); // r7 += r2
      out.push(insn(0xaf, 7, 1, 0, 0)); // r7 ^= r1
    }
    out.push(insn(0x7b, 10, 7, slot, 0)); // *(u64 *)(r10 + slot) = r7
    out.push(insn(0x79, 7, 10, slot, 0)); // r7 = *(u64 *)(r10 + slot)
    out.push(insn(0x77, 7, 0, 0, 1)); // r7 >>= 1
    out.push(insn(0x07, 1, 0, 0, 1)); // r1 += 1
    out.push(insn(0xa5, 1, 0, top - (out.length + 1), 8)); // if r1 < 8 goto top
  }
  out.push(insn(0xbf, 0, 7, 0, 0), insn(0x57, 0, 0, 0, 0xffff), insn(0x95, 0, 0, 0, 0));
  return out;
}

export function runVerifierBench(budgetMs = 150): string {
  const kernel = kernelAvailable();
  const rows: string[][] = [];
  let vmlinux: ReturnType<typeof loadVmlinuxBtf> | undefined;
  const fixtures = readdirSync(join(root, 'test/fixtures')).filter((f) => f.endsWith('.o')).sort();
  for (const file of fixtures) {
    const spec = loadObjectSpec(join(root, 'test/fixtures', file));
    let kobj: KernelObject | null = null;
    let kernelNote = '';
    if (kernel.ok) {
      try {
        kobj = KernelObject.load(spec);
      } catch (err) {
        kernelNote = `kernel refused: ${(err as Error).message.split('\n')[0].slice(0, 60)}`;
      }
    }
    // CO-RE applied as the kernel backend applied it (the VM backend relocates against its own types).
    const working = kobj?.spec ?? spec;
    for (const program of working.programs) {
      const result = verifyProgramSpec(program, working);
      const ours = medianMs(() => verifyProgramSpec(program, working), budgetMs / 2);
      let theirs: number | null = null;
      if (kobj) {
        const fds = working.maps.map((m) => kobj!.maps.get(m.name)!.map.fd);
        const insns = relocateWithFds(program, fds);
        const funcInfo = kobj.btf !== null ? kernelFuncInfo(program) : null;
        const lineInfo = funcInfo !== null ? kernelLineInfo(program) : null;
        const context = {
          btfFd: kobj.btf?.fd ?? null,
          ...(funcInfo !== null ? { funcInfo } : {}),
          ...(lineInfo !== null ? { lineInfo } : {}),
          attachBtfId: attachBtfId(program, () => (vmlinux ??= loadVmlinuxBtf())),
          logLevel: 0,
        };
        theirs = medianMs(() => loadProgramSpec(program, insns, context).close(), budgetMs / 2);
      }
      rows.push([
        `${file.replace(/\.o$/, '')}:${program.name}`, formatNumber(program.insns.length), result.verdict === 'accept' ? formatNumber(result.processed) : 'rejects',
        formatNumber(ours, 3), theirs === null ? '-' : formatNumber(theirs, 3), theirs === null ? kernelNote || '-' : `${formatNumber(ours / theirs, 2)}x`,
      ]);
    }
    kobj?.close();
  }
  const big = loopProgram(136);
  const result = verify(big, { progType: 'socket_filter' });
  const ours = medianMs(() => verify(big, { progType: 'socket_filter' }), budgetMs * 2, 3);
  let theirs: number | null = null;
  if (kernel.ok) theirs = medianMs(() => KernelProgram.load({ type: 'BPF_PROG_TYPE_SOCKET_FILTER', insns: big }).close(), budgetMs * 2, 3);
  rows.push([
    'generated: 136 bounded loops', formatNumber(big.length), result.verdict === 'accept' ? formatNumber(result.processed) : `rejects: ${result.error}`,
    formatNumber(ours, 3), theirs === null ? '-' : formatNumber(theirs, 3), theirs === null ? '-' : `${formatNumber(ours / theirs, 2)}x`,
  ]);
  const notes = [
    'Verification time: tsbpf\'s verify() (median wall time, after warm-up runs) beside the kernel\'s BPF_PROG_LOAD of the same',
    'relocated instructions with their BTF func/line info (median wall time of the syscall; it includes the kernel\'s JIT).',
    'processed = instructions tsbpf\'s verifier processed (the kernel\'s "processed N insns" counts the same way).',
  ];
  if (!kernel.ok) notes.push(`kernel column empty: ${kernel.reason}`);
  return `${notes.join('\n')}\n\n${formatTable(['program', 'insns', 'processed', 'tsbpf verify ms', 'kernel load ms', 'tsbpf/kernel'], rows)}`;
}
