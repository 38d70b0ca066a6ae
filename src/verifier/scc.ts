// Strongly connected components of the control-flow graph (the kernel's
// compute_scc): the loops of a program, the instructions of which have
// incomplete precision marks until every path through the loop was explored.
// A helper call that runs a callback (bpf_loop...) is a loop of its own (as
// in kernels after 6.18, whose log does not number it yet).
import type { Instruction } from '../isa/instruction.js';
import * as op from '../isa/opcodes.js';
import { CALLBACK_HELPERS } from './cfg.js';

function successors(insns: readonly Instruction[], i: number): number[] {
  const insn = insns[i];
  const cls = op.opClass(insn.opcode);
  if (insn.opcode === op.LD_IMM64) return [i + 2];
  if (!op.isJmpClass(cls)) return [i + 1];
  const code = op.opCode(insn.opcode);
  if (code === op.BPF_EXIT) return [];
  if (code === op.BPF_CALL) return [i + 1];
  if (code === op.BPF_JA) return [i + 1 + (cls === op.BPF_JMP ? insn.off : insn.imm)];
  return [i + 1, i + 1 + insn.off];
}

const callsCallback = (insn: Instruction): boolean =>
  insn.opcode === (op.BPF_JMP | op.BPF_CALL) && insn.src === op.BPF_HELPER_CALL && CALLBACK_HELPERS.has(insn.imm);

/** For each instruction, the number of its loop (1, 2, ... in Tarjan's completion order), or 0. */
export function computeScc(insns: readonly Instruction[], callbacksAreLoops = true): Uint32Array {
  const n = insns.length;
  const scc = new Uint32Array(n);
  const pre = new Int32Array(n);
  const low = new Int32Array(n);
  const onStack = new Uint8Array(n);
  const stack: number[] = [];
  const isSecond = new Uint8Array(n);
  for (let i = 0; i < n; i++) if (insns[i].opcode === op.LD_IMM64 && i + 1 < n) isSecond[++i] = 1;
  let nextPre = 1;
  let nextScc = 1;
  for (let root = 0; root < n; root++) {
    if (pre[root] || isSecond[root]) continue;
    // Explicit recursion: frames of (vertex, index of the next successor to visit).
    const dfs: Array<[number, number]> = [[root, 0]];
    pre[root] = low[root] = nextPre++;
    stack.push(root);
    onStack[root] = 1;
    while (dfs.length > 0) {
      const frame = dfs[dfs.length - 1];
      const [w, k] = frame;
      const succ = successors(insns, w).filter((s) => s >= 0 && s < n);
      if (k < succ.length) {
        frame[1]++;
        const t = succ[k];
        if (!pre[t]) {
          pre[t] = low[t] = nextPre++;
          stack.push(t);
          onStack[t] = 1;
          dfs.push([t, 0]);
        } else if (onStack[t]) {
          low[w] = Math.min(low[w], pre[t]);
        }
        continue;
      }
      dfs.pop();
      if (dfs.length > 0) {
        const parent = dfs[dfs.length - 1][0];
        low[parent] = Math.min(low[parent], low[w]);
      }
      if (low[w] !== pre[w]) continue;
      const assign = stack[stack.length - 1] !== w || succ.includes(w) || (callbacksAreLoops && callsCallback(insns[w]));
      let t: number;
      do {
        t = stack.pop()!;
        onStack[t] = 0;
        if (assign) scc[t] = nextScc;
      } while (t !== w);
      if (assign) nextScc++;
    }
  }
  return scc;
}
