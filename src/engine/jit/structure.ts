import type { ByteWriter } from './byte-writer.js';
import type { GraphShape } from './dominators.js';
import { Op, VOID } from './wasm-opcodes.js';

/** What the structuring pass asks of the instruction lowering, per node (local index in reverse postorder). */
export interface StructureSink {
  readonly w: ByteWriter;
  /** Emits the node's instructions, all but a final jump. */
  body(node: number): void;
  /** Pushes the i32 value of the node's conditional jump (taken), or its negation. */
  condition(node: number, negate: boolean): void;
  /** Emits the node's way out of the function: exit, or the trap of a slot that holds no instruction. */
  leave(node: number): void;
}

/** How a node ends, in local indices: successors of a conditional jump are [taken, fall]. */
export type NodeEnd =
  | { readonly kind: 'leave' }
  | { readonly kind: 'jump'; readonly to: number }
  | { readonly kind: 'cond'; readonly taken: number; readonly fall: number };

type Task =
  | { readonly t: 'tree'; readonly x: number; readonly d: number }
  | { readonly t: 'within'; readonly x: number; readonly i: number; readonly d: number }
  | { readonly t: 'branch'; readonly from: number; readonly to: number; readonly d: number }
  | { readonly t: 'op'; readonly byte: number };

/**
 * Structured control flow for a reducible graph, after Ramsey's "Beyond
 * Relooper" (ICFP 2022): each node is placed once, as a subtree of its
 * immediate dominator; a loop header opens a `loop`; each dominator-tree child
 * with several forward predecessors (a merge node) is placed after a `block`
 * that its predecessors leave by `br`; any other child is placed inline where
 * its single predecessor branches to it. Runs with an explicit work stack, so
 * deep programs do not exhaust the JavaScript stack. `br` depths come from
 * the nesting depth at the branch and at the target's label.
 */
export function emitStructured(shape: GraphShape, ends: readonly NodeEnd[], sink: StructureSink): void {
  const size = shape.blocks.length;
  const w = sink.w;
  const mergeKids: Array<number[] | undefined> = new Array(size);
  for (let i = size - 1; i >= 1; i--) if (shape.merge[i]) (mergeKids[shape.idom[i]] ??= []).push(i); // decreasing order
  const none: number[] = [];
  const loopDepth = new Int32Array(size);
  const blockDepth = new Int32Array(size);

  const isBr = (from: number, to: number): boolean => to <= from || shape.merge[to] === 1;
  const brIndex = (from: number, to: number, d: number): number => d - (to <= from ? loopDepth[to] : blockDepth[to]);

  const work: Task[] = [{ t: 'tree', x: 0, d: 0 }];
  while (work.length > 0) {
    const task = work.pop() as Task;
    switch (task.t) {
      case 'op':
        w.u8(task.byte);
        break;
      case 'tree':
        if (shape.loopHeader[task.x]) {
          w.u8x2(Op.loop, VOID);
          loopDepth[task.x] = task.d + 1;
          work.push({ t: 'op', byte: Op.end }, { t: 'within', x: task.x, i: 0, d: task.d + 1 });
        } else {
          work.push({ t: 'within', x: task.x, i: 0, d: task.d });
        }
        break;
      case 'within': {
        const { x, i, d } = task;
        const ys = mergeKids[x] ?? none;
        if (i < ys.length) {
          w.u8x2(Op.block, VOID);
          blockDepth[ys[i]] = d + 1;
          work.push({ t: 'tree', x: ys[i], d }, { t: 'op', byte: Op.end }, { t: 'within', x, i: i + 1, d: d + 1 });
          break;
        }
        sink.body(x);
        const end = ends[x];
        if (end.kind === 'leave') {
          sink.leave(x);
        } else if (end.kind === 'jump') {
          work.push({ t: 'branch', from: x, to: end.to, d });
        } else if (isBr(x, end.taken)) {
          sink.condition(x, false);
          w.u8(Op.br_if);
          w.uleb(brIndex(x, end.taken, d));
          work.push({ t: 'branch', from: x, to: end.fall, d });
        } else if (isBr(x, end.fall)) {
          sink.condition(x, true);
          w.u8(Op.br_if);
          w.uleb(brIndex(x, end.fall, d));
          work.push({ t: 'branch', from: x, to: end.taken, d });
        } else {
          sink.condition(x, false);
          w.u8x2(Op.if, VOID);
          work.push(
            { t: 'op', byte: Op.end },
            { t: 'branch', from: x, to: end.fall, d: d + 1 },
            { t: 'op', byte: Op.else },
            { t: 'branch', from: x, to: end.taken, d: d + 1 },
          );
        }
        break;
      }
      case 'branch':
        if (isBr(task.from, task.to)) {
          w.u8(Op.br);
          w.uleb(brIndex(task.from, task.to, task.d));
        } else {
          work.push({ t: 'tree', x: task.to, d: task.d });
        }
        break;
    }
  }
}

/**
 * Control flow for any graph, irreducible ones included: the nodes in reverse
 * postorder, each after the end of its own `block`, all inside one `loop`.
 * Forward edges leave blocks by `br`; a back edge sets `label` and re-enters
 * the loop, whose head dispatches on it with `br_table`.
 */
export function emitDispatch(shape: GraphShape, ends: readonly NodeEnd[], sink: StructureSink, label: number): void {
  const n = shape.blocks.length;
  const w = sink.w;
  w.u8x2(Op.loop, VOID);
  for (let k = 0; k < n; k++) w.u8x2(Op.block, VOID);
  w.u8x2(Op.local_get, label);
  w.u8(Op.br_table);
  w.uleb(n);
  for (let k = 0; k < n; k++) w.uleb(k);
  w.uleb(0);
  const jump = (i: number, j: number, nested: number): void => {
    if (j > i) {
      w.u8(Op.br);
      w.uleb(j - i - 1 + nested);
    } else {
      w.u8(Op.i32_const);
      w.sleb32(j);
      w.u8x2(Op.local_set, label);
      w.u8(Op.br);
      w.uleb(n - i - 1 + nested);
    }
  };
  for (let i = 0; i < n; i++) {
    w.u8(Op.end);
    sink.body(i);
    const end = ends[i];
    if (end.kind === 'leave') {
      sink.leave(i);
    } else if (end.kind === 'jump') {
      if (end.to !== i + 1) jump(i, end.to, 0);
    } else {
      sink.condition(i, false);
      if (end.taken > i) {
        w.u8(Op.br_if);
        w.uleb(end.taken - i - 1);
      } else {
        w.u8x2(Op.if, VOID);
        jump(i, end.taken, 1);
        w.u8(Op.end);
      }
      if (end.fall !== i + 1) jump(i, end.fall, 0);
    }
  }
  w.u8(Op.end);
}
