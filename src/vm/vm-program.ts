import { newHelperContext, resetRunState, type TailCallTarget } from '../engine/abi.js';
import type { CtxReadRanges } from '../verifier/ctx-reads.js';
import type { Executable } from '../engine/executable.js';
import type { ProgramSpec } from '../elf/object-spec.js';
import type { Arena } from '../memory/arena.js';
import { progTypeNameOf, type ProgTypeName } from '../progtypes/prog-types.js';
import { contextKind, prepareTestRun } from '../progtypes/test-run.js';
import type { Callbacks } from './callbacks.js';
import { VmObjectError } from './errors.js';
import type { VmRunContext } from './run-context.js';

/** One test run of a VM program: the same options as the kernel backend's. */
export interface VmTestRunOptions {
  readonly dataIn?: Uint8Array;
  readonly ctxIn?: Uint8Array;
  /** Runs in a row on the same context (as BPF_PROG_TEST_RUN's repeat); default 1. */
  readonly repeat?: number;
  /** CPU the run is on (per-CPU map slots, bpf_get_smp_processor_id); default 0. */
  readonly cpu?: number;
  /** Room for data out; longer output is cut, as the kernel cuts it (reporting ENOSPC). */
  readonly dataOutSize?: number;
}

export interface VmTestRunResult {
  /** Low 32 bits of r0, unsigned, as BPF_PROG_TEST_RUN reports it. */
  readonly retval: number;
  /** All 64 bits of r0 after the last run. */
  readonly r0: bigint;
  /** Average wall-clock nanoseconds per run. */
  readonly durationNs: number;
  readonly dataOut: Uint8Array;
  readonly ctxOut?: Uint8Array;
}

/**
 * A program of a VM object: its executable (interpreter or JIT), the
 * callback images bpf_loop needs, and what prog arrays call (tail calls run
 * the target with the same ctx and helper state).
 */
export class VmProgram implements TailCallTarget {
  readonly typeName: ProgTypeName;

  constructor(
    readonly spec: ProgramSpec,
    /** The arena of the program's object (its maps, contexts, stacks). */
    readonly arena: Arena,
    readonly executable: Executable,
    private readonly callbacks: Callbacks,
    /** Whether the verifier accepted it (else it runs checked, with a budget). */
    readonly verified: boolean,
    /**
     * The last context byte the verifier saw it read (the kernel's
     * max_ctx_offset); undefined when unverified. Test runs make the context
     * cover it and hooks refuse a shorter one at attach.
     */
    readonly maxCtxOffset?: number,
    /** The context bytes the verifier saw it may read (null: any; undefined when unverified): hooks build only those. */
    readonly ctxReads?: CtxReadRanges,
  ) {
    const name = progTypeNameOf(spec.typeId);
    if (name === undefined) throw new VmObjectError(`program ${spec.name}: unknown program type ${spec.typeId}`, spec.section);
    this.typeName = name;
  }

  get name(): string {
    return this.spec.name;
  }

  /** Runs the program with r1 = ctx in an existing run (a tail call) or a new one. */
  run(ctx: bigint, env: VmRunContext = this.newContext(ctx, 0)): bigint {
    const saved = env.callFunction;
    env.callFunction = this.invokerOf(env);
    // The engines read their arguments at entry, so one array serves every run (hooks run a program per event).
    const args = this.args;
    args[0] = ctx;
    try {
      return this.executable.run(args, env);
    } finally {
      env.callFunction = saved;
    }
  }

  /**
   * A run function on `env` for a caller that resets it before each run and
   * never runs on it twice at once (a hook's attachment): the callback
   * invoker is set once, and the engine's bound runner used where it has one.
   */
  bind(env: VmRunContext): (ctx: bigint) => bigint {
    env.callFunction = this.invokerOf(env);
    return this.executable.bind?.(env) ?? ((ctx) => this.run(ctx, env));
  }

  private readonly args: bigint[] = [0n];
  private lastEnv: VmRunContext | null = null;
  private lastInvoker: VmRunContext['callFunction'] = undefined;

  /** env.callFunction of a run on `env`: made once per helper context (hooks reuse theirs run after run), not per run. */
  private invokerOf(env: VmRunContext): VmRunContext['callFunction'] {
    if (env !== this.lastEnv) {
      this.lastInvoker = this.callbacks.invoker(env, 0);
      this.lastEnv = env;
    }
    return this.lastInvoker;
  }

  /**
   * Runs the program under the conformance calling convention instead of
   * its program type's: r1 = `mem` (a writable region of the arena, 0 when
   * empty), r2 = its length. Returns r0 and the memory after the run. For
   * `tsbpf run` on objects whose programs use maps; such runs only make sense
   * for programs that were not verified as their section's type.
   */
  runWithMemory(mem: Uint8Array, cpu = 0): { r0: bigint; mem: Uint8Array } {
    let at = -1;
    let region = null;
    if (mem.length > 0) {
      at = this.arena.alloc(mem.length);
      this.arena.bytes.set(mem, at);
      region = this.arena.addRegion(at, mem.length, 'mem', 'memory');
    }
    try {
      const pointer = at < 0 ? 0n : this.arena.pointer(at);
      const env = this.newContext(pointer, cpu);
      env.callFunction = this.callbacks.invoker(env, 0);
      const r0 = this.executable.run([pointer, BigInt(mem.length)], env);
      return { r0, mem: at < 0 ? new Uint8Array(0) : this.arena.bytes.slice(at, at + mem.length) };
    } finally {
      if (region !== null) this.arena.removeRegion(region);
      if (at >= 0) this.arena.free(at);
    }
  }

  /**
   * BPF_PROG_TEST_RUN in the VM: builds the program type's context in the
   * arena as the kernel does (xdp_md and its frame, __sk_buff and its skb, raw
   * arguments...), runs the program `repeat` times on it, and reports the
   * return value, the average time, data out and ctx out.
   */
  testRun(options: VmTestRunOptions = {}): VmTestRunResult {
    if (this.spec.typeId === 0) throw new VmObjectError(`program ${this.name}: section '${this.spec.section}' names no program type`, this.spec.section);
    const repeat = Math.max(1, options.repeat ?? 1);
    const prepared = prepareTestRun(this.arena, this.typeName, {
      dataIn: options.dataIn, ctxIn: options.ctxIn, maxCtxOffset: this.maxCtxOffset,
    });
    try {
      let r0 = 0n;
      // One helper context and argument list for every repeat, reset between runs: the loop allocates nothing.
      const env = this.newContext(prepared.ctx, options.cpu ?? 0);
      env.callFunction = this.callbacks.invoker(env, 0);
      const args = [prepared.ctx];
      // A syscall program's memory is copied in afresh for each run, as each BPF_PROG_TEST_RUN call does (the kernel takes no repeat count for them).
      const freshMemory = repeat > 1 && options.ctxIn !== undefined && options.ctxIn.length > 0 && contextKind(this.typeName) === 'syscall'
        ? { at: this.arena.offsetOf(prepared.ctx), bytes: options.ctxIn } : null;
      const start = process.hrtime.bigint();
      for (let i = 0; i < repeat; i++) {
        if (freshMemory !== null && i > 0) this.arena.bytes.set(freshMemory.bytes, freshMemory.at);
        resetRunState(env, prepared.ctx);
        r0 = this.executable.run(args, env);
      }
      const elapsed = Number(process.hrtime.bigint() - start);
      const out = prepared.output();
      let dataOut = out.dataOut ?? new Uint8Array(0);
      if (options.dataOutSize !== undefined && dataOut.length > options.dataOutSize) dataOut = dataOut.subarray(0, options.dataOutSize);
      return {
        retval: Number(BigInt.asUintN(32, r0)),
        r0,
        durationNs: Math.round(elapsed / repeat),
        dataOut,
        ...(options.ctxIn !== undefined && this.reportsCtxOut ? { ctxOut: out.ctxOut } : {}),
      };
    } finally {
      prepared.release();
    }
  }

  /**
   * Whether a test run gives ctx out, as in the kernel: packet programs copy
   * their __sk_buff / xdp_md back, syscall programs their memory; raw
   * tracepoint and tracing programs have no ctx out.
   */
  private get reportsCtxOut(): boolean {
    const kind = contextKind(this.typeName);
    return kind === 'xdp_md' || kind === '__sk_buff' || kind === 'syscall';
  }

  private newContext(ctx: bigint, cpu: number): VmRunContext {
    const env: VmRunContext = newHelperContext(this.arena, ctx);
    env.cpu = cpu;
    return env;
  }
}
