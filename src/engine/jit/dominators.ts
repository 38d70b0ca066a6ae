/**
 * The shape of one function's control-flow graph, as the structuring pass
 * needs it: blocks in reverse postorder, immediate dominators, loop headers,
 * merge nodes and whether the graph is reducible. Nodes here are local
 * indices 0..size-1 in reverse postorder; `blocks[i]` is the block id.
 */
export interface GraphShape {
  /** Block ids in reverse postorder; blocks[0] is the entry. */
  readonly blocks: readonly number[];
  /** Successor lists, in local indices. */
  readonly succs: readonly (readonly number[])[];
  /** Immediate dominator of each node (the entry's is itself). */
  readonly idom: Int32Array;
  /** 1 for targets of a back edge (an edge to a node at or before its source in reverse postorder). */
  readonly loopHeader: Uint8Array;
  /** 1 for nodes with two or more forward in-edges. */
  readonly merge: Uint8Array;
  /** False when some back edge's target does not dominate its source (more than one way into a loop). */
  readonly reducible: boolean;
}

/**
 * Analyses the graph reachable from `entry`; `succOf(block)` lists a block's
 * successor ids, which lie in 0..blockCount-1.
 */
export function analyseGraph(entry: number, blockCount: number, succOf: (block: number) => readonly number[]): GraphShape {
  // Iterative depth-first search for the postorder.
  const local = new Int32Array(blockCount).fill(-1);
  const post: number[] = [];
  const stackBlock: number[] = [entry];
  const stackNext: number[] = [0];
  local[entry] = -2; // visited
  while (stackBlock.length > 0) {
    const top = stackBlock.length - 1;
    const succ = succOf(stackBlock[top]);
    if (stackNext[top] < succ.length) {
      const s = succ[stackNext[top]++];
      if (local[s] === -1) {
        local[s] = -2;
        stackBlock.push(s);
        stackNext.push(0);
      }
    } else {
      post.push(stackBlock[top]);
      stackBlock.pop();
      stackNext.pop();
    }
  }
  const blocks = post.reverse();
  const size = blocks.length;
  for (let i = 0; i < size; i++) local[blocks[i]] = i;
  const succs = blocks.map((b) => succOf(b).map((s) => local[s]));
  const preds: number[][] = blocks.map(() => []);
  for (let i = 0; i < size; i++) for (const s of succs[i]) preds[s].push(i);

  // Cooper, Harvey and Kennedy's iterative dominators, over reverse postorder.
  const idom = new Int32Array(size).fill(-1);
  idom[0] = 0;
  const intersect = (a: number, b: number): number => {
    while (a !== b) {
      while (a > b) a = idom[a];
      while (b > a) b = idom[b];
    }
    return a;
  };
  for (let changed = true; changed;) {
    changed = false;
    for (let i = 1; i < size; i++) {
      let next = -1;
      for (const p of preds[i]) {
        if (idom[p] < 0) continue;
        next = next < 0 ? p : intersect(p, next);
      }
      if (next !== idom[i]) {
        idom[i] = next;
        changed = true;
      }
    }
  }

  const dominates = (a: number, b: number): boolean => {
    while (b > a) b = idom[b];
    return a === b;
  };
  const loopHeader = new Uint8Array(size);
  const forwardIn = new Uint16Array(size);
  let reducible = true;
  succs.forEach((list, from) => {
    for (const to of list) {
      if (to <= from) {
        loopHeader[to] = 1;
        if (!dominates(to, from)) reducible = false;
      } else if (forwardIn[to] < 2) {
        forwardIn[to]++;
      }
    }
  });
  const merge = forwardIn.map((n) => (n >= 2 ? 1 : 0));
  return { blocks, succs, idom, loopHeader, merge: Uint8Array.from(merge), reducible };
}
