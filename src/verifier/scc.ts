// Strongly connected components of the control-flow graph (the kernel's
// compute_scc): the loops of a program, the instructions of which have
// incomplete precision marks until every path through the loop was explored.
// A helper call that runs a callback (bpf_loop...) is a loop of its own (as
// in kernels after 6.18, whose log does not number it yet).
import type { Instruction } from '../isa/instruction.js';
import * as op from '../isa/opcodes.js';
import { CALLBACK_HELPERS } from './cfg.js';
import { computeEdges } from './cfg-edges.js';
import { Temp, tempInt32 } from './work-arrays.js';

export const callsCallback = (insn: Instruction): boolean =>
  insn.opcode === (op.BPF_JMP | op.BPF_CALL) && insn.src === op.BPF_HELPER_CALL && CALLBACK_HELPERS.has(insn.imm);

/** The loop numbers of both kinds: with callback-calling helpers as loops (`withCallbacks`) and without. */
export interface SccNumbers {
  readonly withCallbacks: Uint32Array;
  readonly withoutCallbacks: Uint32Array;
}

/** For each instruction, the number of its loop (1, 2, ... in Tarjan's completion order), or 0. */
export function computeScc(insns: readonly Instruction[], callbacksAreLoops = true, edges = computeEdges(insns)): Uint32Array {
  const both = computeSccBoth(insns, edges);
  return callbacksAreLoops ? both.withCallbacks : both.withoutCallbacks;
}

/** computeScc for both kinds in one walk (the walk is the same; only which components count differs). */
export function computeSccBoth(insns: readonly Instruction[], edges = computeEdges(insns)): SccNumbers {
  const n = insns.length;
  // Both results in one allocation.
  const both = new Uint32Array(2 * n);
  const sccA = both.subarray(0, n);
  const sccB = both.subarray(n);
  const pre = tempInt32(Temp.SccPre, n);
  const low = tempInt32(Temp.SccLow, n);
  const onStack = tempInt32(Temp.SccOnStack, n);
  const stack = tempInt32(Temp.SccStack, n);
  let sp = 0;
  const isSecond = tempInt32(Temp.SccSecond, n);
  for (let i = 0; i < n; i++) if (insns[i].opcode === op.LD_IMM64 && i + 1 < n) isSecond[++i] = 1;
  const { next, branch } = edges;
  // Explicit recursion: the vertex and the index of its next successor to visit.
  const dfsNode = tempInt32(Temp.SccDfsNode, n);
  const dfsK = tempInt32(Temp.SccDfsK, n);
  let nextPre = 1;
  let nextA = 1;
  let nextB = 1;
  for (let root = 0; root < n; root++) {
    if (pre[root] || isSecond[root]) continue;
    dfsNode[0] = root;
    dfsK[0] = 0;
    let depth = 1;
    pre[root] = low[root] = nextPre++;
    stack[sp++] = root;
    onStack[root] = 1;
    while (depth > 0) {
      const w = dfsNode[depth - 1];
      const k = dfsK[depth - 1];
      const t = k === 0 ? next[w] : k === 1 ? branch[w] : -1;
      if (t >= 0 || k < 2) {
        dfsK[depth - 1] = k + 1;
        if (t < 0) continue;
        if (!pre[t]) {
          pre[t] = low[t] = nextPre++;
          stack[sp++] = t;
          onStack[t] = 1;
          dfsNode[depth] = t;
          dfsK[depth] = 0;
          depth++;
        } else if (onStack[t]) {
          low[w] = Math.min(low[w], pre[t]);
        }
        continue;
      }
      depth--;
      if (depth > 0) {
        const parent = dfsNode[depth - 1];
        low[parent] = Math.min(low[parent], low[w]);
      }
      if (low[w] !== pre[w]) continue;
      const single = stack[sp - 1] === w && next[w] !== w && branch[w] !== w;
      const assignB = !single;
      const assignA = assignB || callsCallback(insns[w]);
      let v: number;
      do {
        v = stack[--sp];
        onStack[v] = 0;
        if (assignA) sccA[v] = nextA;
        if (assignB) sccB[v] = nextB;
      } while (v !== w);
      if (assignA) nextA++;
      if (assignB) nextB++;
    }
  }
  return { withCallbacks: sccA, withoutCallbacks: sccB };
}
