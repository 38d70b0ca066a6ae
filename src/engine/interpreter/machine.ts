import { MAX_BPF_STACK, MAX_CALL_FRAMES, MAX_BPF_REG } from '../../isa/opcodes.js';
import type { Arena } from '../../memory/arena.js';
import { ARENA_BASE_HI } from '../../memory/arena.js';
import type { HelperContext, HelperTable } from '../abi.js';
import type { TraceHook } from '../executable.js';
import type { DecodedProgram } from './program.js';
import type { SkbPacketResolver } from './options.js';

/**
 * The interpreter's state for one run. Registers are split into 32-bit
 * halves (`lo[i]`, `hi[i]`) so that the loop works on small integers and
 * never on BigInt. Pointers into the arena have `hi === ARENA_BASE_HI` and
 * their arena offset in `lo`.
 */
export class Machine {
  readonly lo = new Int32Array(MAX_BPF_REG);
  readonly hi = new Int32Array(MAX_BPF_REG);
  /** Return slot of each caller frame. */
  readonly returnPc = new Int32Array(MAX_CALL_FRAMES);
  /** r6..r9 of each caller frame, lo/hi interleaved. */
  readonly saved = new Int32Array(MAX_CALL_FRAMES * 8);

  /**
   * Cached bounds of the last region read from / written to (arena offsets,
   * end exclusive); an access inside them needs no region lookup.
   */
  readStart = 0;
  readEnd = 0;
  writeStart = 0;
  writeEnd = 0;

  /** Instructions executed so far in this run. */
  count = 0;
  /** Current call depth (0 = the entry frame). */
  depth = 0;
  env!: HelperContext;

  constructor(
    readonly program: DecodedProgram,
    readonly arena: Arena,
    readonly helpers: HelperTable,
    readonly checked: boolean,
    readonly budget: number,
    readonly trace: TraceHook | null,
    readonly skbPacket: SkbPacketResolver | null,
    /** Arena offset one past the stack region: r10 of frame 0. */
    readonly stackEnd: number,
  ) {}

  /** Empties the access caches (after helpers: regions may have changed). */
  resetCaches(): void {
    this.readStart = this.readEnd = this.writeStart = this.writeEnd = 0;
  }

  /** Sets up registers for a run: r1..r5 = args, r10 = top of the stack. */
  reset(args: readonly bigint[], env: HelperContext): void {
    this.lo.fill(0);
    this.hi.fill(0);
    for (let i = 0; i < 5 && i < args.length; i++) setReg(this, i + 1, args[i]);
    this.lo[10] = this.stackEnd;
    this.hi[10] = ARENA_BASE_HI;
    this.depth = 0;
    this.count = 0;
    this.env = env;
    this.resetCaches();
  }

  /** r10 of frame `depth`: each frame has its own 512 bytes below its caller's. */
  frameTop(depth: number): number {
    return this.stackEnd - depth * MAX_BPF_STACK;
  }
}

export function getReg(m: Machine, r: number): bigint {
  return (BigInt(m.hi[r] >>> 0) << 32n) | BigInt(m.lo[r] >>> 0);
}

export function setReg(m: Machine, r: number, value: bigint): void {
  m.lo[r] = Number(BigInt.asIntN(32, value));
  m.hi[r] = Number(BigInt.asIntN(32, value >> 32n));
}

/** r0..r10 as unsigned 64-bit bigints, for trace hooks. */
export function registerSnapshot(m: Machine): bigint[] {
  const regs = new Array<bigint>(MAX_BPF_REG);
  for (let r = 0; r < MAX_BPF_REG; r++) regs[r] = getReg(m, r);
  return regs;
}
