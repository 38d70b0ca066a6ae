import type { Instruction } from '../../isa/instruction.js';
import * as op from '../../isa/opcodes.js';
import type { Arena } from '../../memory/arena.js';
import type { Region } from '../../memory/region.js';
import { HelperControl, newHelperContext, resetRunState, type HelperContext, type HelperFn } from '../abi.js';
import { runCpu, type RunContext } from '../../helpers/run-context.js';
import { BudgetExceededError, ExecutionError, UnknownHelperError } from '../errors.js';
import type { Executable } from '../executable.js';
import { MAX_TAIL_CALLS } from '../interpreter/helper-call.js';
import { conformanceSkbPacket, packetLoadOffset } from '../interpreter/packet.js';
import { codeSlotOf } from './cfg.js';
import type { CompiledProgram } from './compile.js';
import { FaultKind } from './compile-context.js';
import { JitUnsupportedError } from './errors.js';
import { ownCallSite, ownHostDispatcher, type Main } from './entry-caller.js';
import type { JitOptions, JitStats } from './options.js';
import { RegionCache } from './region-cache.js';
import { trapToError } from './trap.js';

export const STACK_BYTES = op.MAX_BPF_STACK * op.MAX_CALL_FRAMES;
const TWO_64 = 1n << 64n;

const enum Stop { None = 0, Exit = 1, TailCall = 2 }


const u64 = (v: bigint): bigint => (v < 0n ? v + TWO_64 : v);

/** The CPU number inlined per-CPU lookups use; anything but a CPU number becomes -1, which sends them to the helper (and its error). */
const cpuValue = (cpu: number): number => (Number.isInteger(cpu) && cpu >= 0 && cpu <= 0x7fffffff ? cpu : -1);

/**
 * A program compiled to WebAssembly. Like the interpreter's executable it
 * owns one `stack` region (frame 0 at its top), zeroed at every run, and a
 * run started while another is in progress (a helper calling back) gets a
 * stack of its own. The imports below are the only JavaScript the program
 * reaches while it runs: helpers, checked mode's region misses, legacy
 * packet loads, and the throwers of run-time errors.
 */
export class JitExecutable implements Executable {
  private readonly main: Main;
  private readonly stopGlobal: WebAssembly.Global;
  private readonly leftGlobal: WebAssembly.Global;
  private readonly fpLimitGlobal: WebAssembly.Global;
  private readonly cpuGlobal: WebAssembly.Global;
  /** What cpuGlobal holds (setting a global from JavaScript costs more than comparing). */
  private cpu = 0;
  private readonly regions: RegionCache;
  private readonly arena: Arena;
  private readonly checked: boolean;
  private readonly budget: number;
  private readonly budgetBig: bigint;
  private readonly ownEnv: HelperContext;
  /** r10 of frame 0 on the executable's own stack. */
  private readonly fp0: bigint;
  private env: HelperContext;
  private stop = Stop.None;
  private count = 0;
  private running = false;
  private disposed = false;

  constructor(
    private readonly program: CompiledProgram,
    private readonly insns: readonly Instruction[],
    private readonly options: JitOptions,
    private readonly stack: Region,
    readonly stats: JitStats,
  ) {
    this.arena = options.arena;
    this.checked = options.checked ?? true;
    this.budget = options.budget ?? Number.MAX_SAFE_INTEGER;
    this.budgetBig = BigInt(this.budget);
    this.ownEnv = newHelperContext(this.arena);
    this.fp0 = this.arena.pointer(stack.end);
    this.env = this.ownEnv;
    const instance = new WebAssembly.Instance(program.module, { env: this.imports() });
    const exports = instance.exports as Record<string, unknown>;
    this.main = ownCallSite(exports.main as Main);
    this.stopGlobal = exports.stop as WebAssembly.Global;
    this.leftGlobal = exports.left as WebAssembly.Global;
    this.fpLimitGlobal = exports.fpLimit as WebAssembly.Global;
    this.cpuGlobal = exports.cpu as WebAssembly.Global;
    this.regions = new RegionCache(this.arena, Array.from({ length: this.checked ? 10 : 0 }, (_, i) => exports[`cache${i}`] as WebAssembly.Global));
    this.fpLimitGlobal.value = fpLimitOf(this.arena, stack);
  }

  get lastInstructionCount(): number {
    return this.count;
  }

  run(args: readonly bigint[], env?: HelperContext): bigint {
    if (this.disposed) throw new Error('jit: run after dispose');
    if (this.running) return this.runNested(args, env ?? newHelperContext(this.arena, args[0] ?? 0n));
    this.running = true;
    try {
      return this.runOn(this.fp0, args, env ?? this.resetOwnEnv(args[0] ?? 0n));
    } finally {
      this.running = false;
    }
  }

  /**
   * Verified code without a budget, on a context of the caller's own: what
   * runOn() works out per run (the run settings, the budget, the region
   * cache) is settled here once, and a run touches little besides the
   * executable's own state, which counts on a server where an event comes
   * between much other work (the hooks' case). Anything else (null: the
   * caller uses run()), and a run while another is in progress, takes run().
   */
  bind(env: HelperContext): ((r1: bigint) => bigint) | null {
    if (this.checked || this.program.uses.budget) return null;
    (env as RunContext).trustedArguments = true;
    const cpu = cpuValue(runCpu(env));
    return (r1) => {
      if (this.running || this.disposed) return this.run([r1], env);
      this.running = true;
      this.env = env;
      if (this.cpu !== cpu) this.setCpu(cpu);
      this.stop = Stop.None;
      let r0: bigint;
      try {
        r0 = this.main(this.fp0, r1, 0n, 0n, 0n, 0n);
      } catch (err) {
        throw this.runError(err, false);
      } finally {
        this.running = false;
      }
      return this.stop === Stop.None ? u64(r0) : this.afterStop(r0, env);
    };
  }

  /** Frees the stack region; the executable cannot run afterwards. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    releaseStack(this.arena, this.stack);
  }

  private resetOwnEnv(ctx: bigint): HelperContext {
    resetRunState(this.ownEnv, ctx);
    return this.ownEnv;
  }

  private runNested(args: readonly bigint[], env: HelperContext): bigint {
    const stack = allocateStack(this.arena);
    const limit = this.fpLimitGlobal.value as bigint;
    const left = this.leftGlobal.value as bigint;
    const outer = { env: this.env, stop: this.stop, count: this.count, cpu: this.cpu };
    this.fpLimitGlobal.value = fpLimitOf(this.arena, stack);
    try {
      return this.runOn(this.arena.pointer(stack.end), args, env);
    } finally {
      this.fpLimitGlobal.value = limit;
      this.leftGlobal.value = left;
      this.env = outer.env;
      this.stop = outer.stop;
      this.count = outer.count;
      this.setCpu(outer.cpu);
      releaseStack(this.arena, stack);
    }
  }

  /** The run's CPU for inlined per-CPU lookups (cpuValue). */
  private setCpu(cpu: number): void {
    const value = cpuValue(cpu);
    if (value !== this.cpu) {
      this.cpu = value;
      this.cpuGlobal.value = value;
    }
  }

  private runOn(fp0: bigint, args: readonly bigint[], env: HelperContext): bigint {
    this.env = env;
    this.setCpu(runCpu(env));
    // Unchecked code is verified code: its helpers need not check their pointer arguments again
    // (for this run only: whoever runs next on the same context decides for itself).
    const settings = env as RunContext;
    const trusted = settings.trustedArguments;
    settings.trustedArguments = !this.checked;
    this.stop = Stop.None;
    const budgeted = this.program.uses.budget;
    if (budgeted) this.leftGlobal.value = this.budgetBig;
    this.regions.refresh();
    let r0: bigint;
    try {
      r0 = this.main(fp0, args[0] ?? 0n, args[1] ?? 0n, args[2] ?? 0n, args[3] ?? 0n, args[4] ?? 0n);
    } catch (err) {
      settings.trustedArguments = trusted;
      throw this.runError(err, budgeted);
    }
    settings.trustedArguments = trusted;
    if (budgeted) this.count = this.budget - Number(this.leftGlobal.value as bigint);
    return this.stop === Stop.None ? u64(r0) : this.afterStop(r0, env);
  }

  /** What a run that threw throws: a trap as the error it stands for (its instruction counted when budgeted). */
  private runError(err: unknown, budgeted: boolean): unknown {
    if (this.stop !== Stop.None) this.stopGlobal.value = 0;
    const mapped = err instanceof WebAssembly.RuntimeError ? trapToError(err, this.program.trapTable) ?? err : err;
    if (budgeted) this.countAfterError(mapped);
    return mapped;
  }

  /** The end of a run a helper stopped (bpf_exit-like or a tail call): the tail call's program runs on the same context. */
  private afterStop(r0: bigint, env: HelperContext): bigint {
    this.stopGlobal.value = 0;
    if (this.stop === Stop.TailCall) {
      const target = env.tailCallTarget;
      env.tailCallTarget = null;
      if (target) return target.run(env.ctx, env);
    }
    return u64(r0);
  }

  /** Segments are charged whole on entry, and only a segment's last instruction can fault: the count is exact. */
  private countAfterError(err: unknown): void {
    this.count = err instanceof BudgetExceededError ? this.budget : this.budget - Number(this.leftGlobal.value as bigint);
  }

  // ---- imports ----

  private imports(): Record<string, WebAssembly.ImportValue> {
    const imports: Record<string, WebAssembly.ImportValue> = {
      memory: this.arena.memory,
      fault: (pc: number, kind: number): never => this.fault(pc, kind),
    };
    for (const id of this.program.boundHelpers) {
      const fn = this.options.helpers.get(id) as HelperFn;
      imports[`h${id}`] = (pc: number, r1: bigint, r2: bigint, r3: bigint, r4: bigint, r5: bigint): bigint =>
        this.invoke(fn, pc, r1, r2, r3, r4, r5);
    }
    const uses = this.program.uses;
    if (uses.helperById) imports.helperById = this.helperById.bind(this);
    if (uses.budget) {
      imports.budgetAt = (start: number, done: number): never => {
        let pc = start;
        for (let i = 0; i < done; i++) pc += this.insns[pc].opcode === op.LD_IMM64 ? 2 : 1;
        throw new BudgetExceededError(pc, this.budget);
      };
    }
    if (uses.miss) imports.miss = (a: bigint, size: number, write: number, pc: number): void => this.regions.miss(a, size, write, pc);
    if (uses.packetLoad) imports.packetLoad = this.packetLoad.bind(this);
    if (uses.host) {
      const call = ownHostDispatcher(this.program.hostFunctions);
      imports.host = this.checked
        ? (index: number, a: number, b: number, c: number, d: number): number => {
          const r = call(index, a, b, c, d);
          this.regions.refresh();
          return r;
        }
        : call;
    }
    return imports;
  }

  /** Calls a helper as the interpreter does, and raises the stop flag when it ends the program or tail-calls. */
  private invoke(fn: HelperFn, pc: number, r1: bigint, r2: bigint, r3: bigint, r4: bigint, r5: bigint): bigint {
    const env = this.env;
    env.pc = pc;
    env.control = HelperControl.None;
    let r0 = fn(env, u64(r1), u64(r2), u64(r3), u64(r4), u64(r5));
    const control = env.control as HelperControl;
    if (control !== HelperControl.None) {
      env.control = HelperControl.None;
      if (control === HelperControl.Exit) {
        r0 = env.exitValue;
        this.halt(Stop.Exit);
      } else if (control === HelperControl.TailCall && env.tailCallTarget !== null && env.tailCalls < MAX_TAIL_CALLS) {
        env.tailCalls++;
        this.halt(Stop.TailCall);
      }
    }
    this.regions.refresh();
    return r0;
  }

  private halt(stop: Stop): void {
    this.stop = stop;
    this.stopGlobal.value = 1;
  }

  /** A helper by run-time id: callx with a value that is no compiled function's address, or an id absent at compile time. */
  private helperById(pc: number, value: bigint, r1: bigint, r2: bigint, r3: bigint, r4: bigint, r5: bigint): bigint {
    const insn = this.insns[pc];
    let id = insn.imm;
    if (op.opSource(insn.opcode) === op.BPF_X) {
      const target = u64(value);
      const slot = codeSlotOf(target);
      if (slot >= 0 && slot < this.insns.length && !this.program.cfg.secondHalf[slot]) {
        throw new JitUnsupportedError(pc, `callx r${insn.dst} to slot ${slot}, which the JIT did not compile as a function entry`);
      }
      if (target >> 32n !== 0n) throw new ExecutionError(pc, `callx r${insn.dst}: not a function address or helper id`);
      id = Number(target);
    }
    const fn = this.options.helpers.get(id);
    if (!fn) throw new UnknownHelperError(pc, id);
    return this.invoke(fn, pc, r1, r2, r3, r4, r5);
  }

  /** LD_ABS / LD_IND: the big-endian value, or -1 when the load falls outside the packet (the program then returns 0). */
  private packetLoad(pc: number, skb: bigint, off: number, size: number): bigint {
    const resolve = this.options.skbPacket ?? conformanceSkbPacket;
    const packet = resolve(u64(skb), this.env);
    const at = packet ? packetLoadOffset(packet, off, size) : -1;
    if (at < 0) return -1n;
    if (this.checked) this.arena.check(pc, at, size, false);
    else if (at + size > this.arena.size) return -1n;
    const view = this.arena.view;
    return BigInt(size === 1 ? view.getUint8(at) : size === 2 ? view.getUint16(at, false) : view.getUint32(at, false));
  }

  private fault(pc: number, kind: number): never {
    switch (kind as FaultKind) {
      case FaultKind.TooDeep:
        throw new ExecutionError(pc, `too many nested calls: at most ${op.MAX_CALL_FRAMES} frames`);
      case FaultKind.InvalidSlot:
        throw new ExecutionError(pc, pc >= this.insns.length ? 'fell off the end of the program' : 'executed the second slot of an lddw');
      default:
        throw new ExecutionError(pc, 'kfunc calls are not supported');
    }
  }
}

/** r10 of the deepest frame: a call from it would be the ninth frame. */
function fpLimitOf(arena: Arena, stack: Region): bigint {
  return arena.pointer(stack.end - (op.MAX_CALL_FRAMES - 1) * op.MAX_BPF_STACK);
}

export function allocateStack(arena: Arena): Region {
  const start = arena.alloc(STACK_BYTES, 16);
  return arena.addRegion(start, STACK_BYTES, 'stack', 'stack');
}

export function releaseStack(arena: Arena, stack: Region): void {
  arena.removeRegion(stack);
  arena.free(stack.start);
}
