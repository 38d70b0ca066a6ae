import type { Arena } from '../memory/arena.js';
import type { TailCallTarget } from '../engine/abi.js';
import type { ResolvedMapDefinition } from './definition.js';
import type { ProgramEntry } from './registry.js';
import { FdArrayBase } from './fd-array-base.js';
import { EBADF, EINVAL } from './errno.js';

/** MAX_TAIL_CALL_CNT: tail calls one run may take. */
export const MAX_TAIL_CALL_CNT = 33;

/**
 * BPF_MAP_TYPE_PROG_ARRAY: the jump table of bpf_tail_call(). Slots hold
 * programs registered with the arena's registry (registry.addProgram); bpf()
 * writes and reads their ids. As in the kernel, all programs in one array
 * must have the same type (the first program placed fixes it, when types are known).
 */
export class ProgArrayMap extends FdArrayBase<ProgramEntry> {
  private ownerType: string | undefined;

  constructor(arena: Arena, def: ResolvedMapDefinition) {
    super(arena, def);
  }

  /** Sets slot `index` to a program (or clears it with null); throws like bpf() would refuse. */
  setProgram(index: number, program: ProgramEntry | null): void {
    const r = program ? this.placeChecked(index, program) : this.place(index, null);
    if (r !== 0) throw new RangeError(`map ${this.name}: cannot set slot ${index} (errno ${-r})`);
  }

  /** What bpf_tail_call jumps to for `index`, or null (out of range or empty). */
  tailCallTarget(index: number): TailCallTarget | null {
    return this.at(index)?.target ?? null;
  }

  protected resolve(id: number): ProgramEntry | number {
    const entry = this.registry.programById(id);
    if (!entry) return -EBADF;
    return this.ownerType !== undefined && entry.type !== undefined && entry.type !== this.ownerType ? -EINVAL : entry;
  }

  protected idOf(entry: ProgramEntry): number {
    return entry.id;
  }

  protected override place(index: number, entry: ProgramEntry | null): number {
    const r = super.place(index, entry);
    if (r === 0 && entry?.type !== undefined && this.ownerType === undefined) this.ownerType = entry.type;
    return r;
  }

  private placeChecked(index: number, program: ProgramEntry): number {
    const entry = this.resolve(program.id);
    return typeof entry === 'number' ? entry : this.place(index, entry);
  }

  /** Programs cannot read or write a prog_array; only bpf_tail_call uses it. */
  override lookupElem(): number {
    return 0;
  }

  override updateElem(): number {
    return -EINVAL;
  }
}
