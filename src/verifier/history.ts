// The jump history of a path (struct bpf_jmp_history_entry): since the last
// checkpoint, every instruction reached by a jump (with the one executed
// before it) and every instruction whose facts the precision backtracking
// needs (stack slot spilled or filled, stack pointers compared, linked
// scalars). Kept as a persistent list so that copies of a state share it.

/** One linked scalar recorded at a conditional jump: a register or a spilled slot of a frame. */
export interface LinkedReg {
  readonly frameno: number;
  readonly regno: number;
  /** Stack slot index when the linked scalar is a spill, else -1. */
  readonly spi: number;
}

export interface HistEntry {
  readonly idx: number;
  readonly prevIdx: number;
  /** Stack slot the instruction spilled or filled: frame and slot, or -1. */
  stackFrame: number;
  stackSpi: number;
  /** The compared source / destination was a stack pointer. */
  srcRegStack: boolean;
  dstRegStack: boolean;
  linked: LinkedReg[] | null;
}

export class History {
  constructor(readonly entry: HistEntry, readonly prev: History | null, readonly count: number) {}

  /** The entries from the oldest to the newest. */
  toArray(): HistEntry[] {
    const out: HistEntry[] = new Array(this.count);
    let h: History | null = this;
    for (let i = this.count - 1; h; i--, h = h.prev) out[i] = h.entry;
    return out;
  }
}

export function newEntry(idx: number, prevIdx: number): HistEntry {
  return { idx, prevIdx, stackFrame: -1, stackSpi: -1, srcRegStack: false, dstRegStack: false, linked: null };
}
