import { newHelperContext, resetRunState, type HelperContext } from '../engine/abi.js';
import type { CtxReadRanges } from '../verifier/ctx-reads.js';
import type { Executable } from '../engine/executable.js';
import type { Arena } from '../memory/arena.js';
import { isProgTypeName, type ProgTypeName } from '../progtypes/prog-types.js';
import { HookError } from './errors.js';
import type { HookRunInfo } from './run-context.js';

/**
 * What a hook needs of a loaded program: its arena (the hook writes the
 * context there), its type (the hook checks it, as the kernel does at
 * attach), its section (which names the hook by default, libbpf style), and
 * a way to run it once with r1 = a context pointer.
 */
export interface HookProgram {
  readonly name: string;
  /** ELF section (`tracepoint/node/http_server_request`, `xdp`...); '' when there is none. */
  readonly section: string;
  /** The kernel's program type, lower case without prefix (`tracepoint`, `kprobe`, `xdp`...). */
  readonly type: ProgTypeName;
  readonly arena: Arena;
  /**
   * Runs the program once with r1 = ctx; returns r0. `info` carries what the
   * helpers read of the attachment (bpf_get_attach_cookie, bpf_get_func_ip):
   * put it on the run's HelperContext as `attachCookie` and `funcIp`.
   */
  run(ctx: bigint, info: HookRunInfo): bigint;
  /**
   * Optional: a run function for one attachment, made when it attaches,
   * that runs as run(ctx, info) does with what stays the same from run to
   * run (the attachment's settings, the helper context) settled once
   * (attachedRunner() makes one from an engine's bound runner).
   */
  bind?(info: HookRunInfo): (ctx: bigint) => bigint;
  /**
   * Highest ctx byte the verifier saw the program read (the kernel's
   * max_ctx_offset), when known: attach refuses hooks with a smaller ctx.
   */
  readonly maxCtxOffset?: number;
  /**
   * The context bytes the program may read, as the verifier found them
   * (null or undefined: any): hooks that build their context per event may
   * leave the other bytes unwritten.
   */
  readonly ctxReads?: CtxReadRanges;
}

/** `BPF_PROG_TYPE_TRACEPOINT` or `tracepoint` to `tracepoint`. */
export function progTypeName(type: string): ProgTypeName {
  const name = type.replace(/^BPF_PROG_TYPE_/, '').toLowerCase();
  if (!isProgTypeName(name)) throw new HookError(`unknown program type "${type}"`);
  return name;
}

export interface ExecutableProgramOptions {
  readonly name?: string;
  readonly section?: string;
  readonly type: ProgTypeName | string;
  readonly arena: Arena;
  readonly maxCtxOffset?: number;
  /** The context bytes it reads, when known (see HookProgram.ctxReads). */
  readonly ctxReads?: CtxReadRanges;
}

/** The helper state of one run, with what the helpers read of the attachment (src/helpers/run-context.ts). */
export type HookHelperContext = HelperContext & { attachCookie?: bigint; funcIp?: bigint; cpu?: number };

/**
 * A run function that hands each run a HelperContext reset for it, reusing
 * one object between runs (hooks fire on every request: no allocation per
 * run), and a fresh one when a run starts inside another or after a run
 * that threw (no try/finally on this path: the context is simply not
 * given back).
 */
export function reusingEnv(arena: Arena, run: (ctx: bigint, env: HookHelperContext) => bigint): HookProgram['run'] {
  let spare: HookHelperContext | null = null;
  return (ctx, info) => {
    const env: HookHelperContext = spare ?? newHelperContext(arena, ctx);
    spare = null;
    resetRunState(env, ctx);
    setAttachment(env, info);
    const r0 = run(ctx, env);
    spare = env;
    return r0;
  };
}

/** What the helpers read of the attachment (src/helpers/run-context.ts); hooks run on CPU 0. */
function setAttachment(env: HookHelperContext, info: HookRunInfo): void {
  env.cpu = 0;
  env.attachCookie = info.cookie;
  env.funcIp = info.funcIp;
}

/**
 * HookProgram.bind from a bound runner (`bind(env)`, e.g. an engine's
 * Executable.bind): one helper context for the attachment, its settings
 * made once and its run state reset before each run; a run that starts
 * while this one is in progress (an event its helpers cause) goes to
 * `nested` (run(), with a context of its own).
 */
export function attachedRunner(
  arena: Arena, info: HookRunInfo, bind: (env: HookHelperContext) => (ctx: bigint) => bigint, nested: HookProgram['run'],
): (ctx: bigint) => bigint {
  const env: HookHelperContext = newHelperContext(arena);
  setAttachment(env, info);
  const run = bind(env);
  let busy = false;
  return (ctx) => {
    if (busy) return nested(ctx, info);
    busy = true;
    resetRunState(env, ctx);
    try {
      return run(ctx);
    } finally {
      busy = false;
    }
  };
}

/** A hook program from an engine's executable (hand-assembled programs, tests, tools). */
export function executableProgram(exe: Executable, options: ExecutableProgramOptions): HookProgram {
  const args: bigint[] = [0n];
  const runOn = (ctx: bigint, env: HookHelperContext): bigint => {
    // The engines read their arguments at entry: one array serves every run.
    args[0] = ctx;
    return exe.run(args, env);
  };
  const run = reusingEnv(options.arena, runOn);
  return {
    name: options.name ?? 'prog',
    section: options.section ?? '',
    type: progTypeName(options.type),
    arena: options.arena,
    maxCtxOffset: options.maxCtxOffset,
    ctxReads: options.ctxReads,
    run,
    bind: (info) => attachedRunner(options.arena, info, (env) => exe.bind?.(env) ?? ((ctx) => runOn(ctx, env)), run),
  };
}
