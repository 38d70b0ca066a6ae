// The verifier's speed (issue 4): src/verifier's verify() on every program of
// every fixture and on two large generated programs (bounded loops, branch
// diamonds), beside the kernel's BPF_PROG_LOAD wall time for the same
// instructions (same run, same machine). After a warm-up, medians of samples
// taken alternately from tsbpf and the kernel, so that both see the same load.
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

/**
 * A socket filter of `blocks` branch diamonds on a value the program cannot
 * know (skb->len): each arm updates a running value and spills it to the
 * stack. Both verifiers explore both arms and prune at each join.
 */
export function diamondProgram(blocks: number): Instruction[] {
  const out: Instruction[] = [
    insn(0xbf, 6, 1, 0, 0), // r6 = r1
    insn(0x61, 7, 6, 0, 0), // r7 = *(u32 *)(r6 + 0): skb->len
    insn(0xb7, 8, 0, 0, 0), // r8 = 0
  ];
  for (let b = 0; b < blocks; b++) {
    out.push(insn(0xbf, 2, 7, 0, 0)); // r2 = r7
    out.push(insn(0x57, 2, 0, 0, 0xff >> (b % 4))); // r2 &= mask
    out.push(insn(0x25, 2, 0, 3, 16 + (b % 32))); // if r2 > K goto +3
    out.push(insn(0x0f, 8, 2, 0, 0)); // r8 += r2
    out.push(insn(0x57, 8, 0, 0, 0xffff)); // r8 &= 0xffff
    out.push(insn(0x05, 0, 0, 2, 0)); // goto +2
    out.push(insn(0xaf, 8, 2, 0, 0)); // r8 ^= r2
    out.push(insn(0x77, 8, 0, 0, 1)); // r8 >>= 1
    out.push(insn(0x7b, 10, 8, -8 * ((b % 4) + 1), 0)); // *(u64 *)(r10 - 8k) = r8
  }
  out.push(insn(0xbf, 0, 8, 0, 0), insn(0x57, 0, 0, 0, 1), insn(0x95, 0, 0, 0, 0));
  return out;
}

/** One row of the table: a program, tsbpf's verification and the kernel's load of it. */
interface Job {
  readonly name: string;
  readonly insns: number;
  readonly processed: string;
  readonly ours: () => void;
  readonly theirs: (() => void) | null;
  readonly note: string;
}

/**
 * Medians (ms) of `ours` and `theirs` sampled alternately, so that both see
 * the same machine load: at least `min` pairs and about `budgetMs` of them.
 */
function interleavedMedians(ours: () => void, theirs: (() => void) | null, budgetMs: number, min: number): [number, number | null] {
  const a: number[] = [];
  const b: number[] = [];
  const start = performance.now();
  while (a.length < min || (performance.now() - start < budgetMs && a.length < 1000)) {
    let t = performance.now();
    ours();
    a.push(performance.now() - t);
    if (theirs) {
      t = performance.now();
      theirs();
      b.push(performance.now() - t);
    }
  }
  const median = (xs: number[]): number => xs.sort((x, y) => x - y)[xs.length >> 1];
  return [median(a), theirs ? median(b) : null];
}

export function runVerifierBench(budgetMs = 300): string {
  const kernel = kernelAvailable();
  const jobs: Job[] = [];
  const cleanups: Array<() => void> = [];
  let vmlinux: ReturnType<typeof loadVmlinuxBtf> | undefined;
  const fixtures = readdirSync(join(root, 'test/fixtures')).filter((f) => f.endsWith('.o')).sort();
  for (const file of fixtures) {
    const spec = loadObjectSpec(join(root, 'test/fixtures', file));
    let kobj: KernelObject | null = null;
    let kernelNote = '';
    if (kernel.ok) {
      try {
        kobj = KernelObject.load(spec);
        const loaded = kobj;
        cleanups.push(() => loaded.close());
      } catch (err) {
        kernelNote = `kernel refused: ${(err as Error).message.split('\n')[0].slice(0, 60)}`;
      }
    }
    // CO-RE applied as the kernel backend applied it (the VM backend relocates against its own types).
    const working = kobj?.spec ?? spec;
    for (const program of working.programs) {
      const result = verifyProgramSpec(program, working);
      let theirs: (() => void) | null = null;
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
        theirs = () => loadProgramSpec(program, insns, context).close();
      }
      jobs.push({
        name: `${file.replace(/\.o$/, '')}:${program.name}`,
        insns: program.insns.length,
        processed: result.verdict === 'accept' ? formatNumber(result.processed) : 'rejects',
        ours: () => verifyProgramSpec(program, working),
        theirs,
        note: kernelNote,
      });
    }
  }
  const generated: Array<[string, Instruction[]]> = [
    ['generated: 136 bounded loops', loopProgram(136)],
    ['generated: 448 branch diamonds', diamondProgram(448)],
  ];
  for (const [name, insns] of generated) {
    const result = verify(insns, { progType: 'socket_filter' });
    jobs.push({
      name,
      insns: insns.length,
      processed: result.verdict === 'accept' ? formatNumber(result.processed) : `rejects: ${result.error}`,
      ours: () => verify(insns, { progType: 'socket_filter' }),
      theirs: kernel.ok ? () => KernelProgram.load({ type: 'BPF_PROG_TYPE_SOCKET_FILTER', insns }).close() : null,
      note: '',
    });
  }

  const rows: string[][] = [];
  try {
    // Warm-up: every verification, round after round, until V8 has compiled
    // the verifier's code paths for all of them (as in a long-running process).
    const warmStart = performance.now();
    for (let round = 0; round < 30 || performance.now() - warmStart < 2000; round++) {
      for (const job of jobs) job.ours();
      if (round >= 200) break;
    }
    for (const job of jobs) for (let i = 0; i < 3; i++) job.theirs?.();

    for (const job of jobs) {
      const big = job.insns > 1000;
      const [ours, theirs] = interleavedMedians(job.ours, job.theirs, big ? budgetMs * 3 : budgetMs, big ? 21 : 51);
      rows.push([
        job.name, formatNumber(job.insns), job.processed,
        formatNumber(ours, 3), theirs === null ? '-' : formatNumber(theirs, 3), theirs === null ? job.note || '-' : `${formatNumber(ours / theirs, 2)}x`,
      ]);
    }
  } finally {
    for (const close of cleanups) close();
  }
  const notes = [
    'Verification time: tsbpf\'s verify() beside the kernel\'s BPF_PROG_LOAD of the same relocated instructions with their',
    'BTF func/line info (it includes the kernel\'s JIT). Medians of samples taken alternately (tsbpf, kernel, tsbpf, ...),',
    'after a warm-up in which every program was verified at least 30 times.',
    'processed = instructions tsbpf\'s verifier processed (the kernel\'s "processed N insns" counts the same way).',
  ];
  if (!kernel.ok) notes.push(`kernel column empty: ${kernel.reason}`);
  return `${notes.join('\n')}\n\n${formatTable(['program', 'insns', 'processed', 'tsbpf verify ms', 'kernel load ms', 'tsbpf/kernel'], rows)}`;
}
