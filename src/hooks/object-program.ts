import type { HelperContext } from '../engine/abi.js';
import type { CtxReadRanges } from '../verifier/ctx-reads.js';
import type { Arena } from '../memory/arena.js';
import { HookError } from './errors.js';
import { attachedRunner, progTypeName, reusingEnv, type HookProgram } from './program.js';

/** VmProgram's members a hook uses (src/vm/vm-program.ts). */
interface VmProgramLike {
  readonly arena: Arena;
  /** The kernel's max_ctx_offset, as its verifier found it (undefined when unverified). */
  readonly maxCtxOffset?: number;
  /** The context bytes the verifier saw it may read (null or undefined: any). */
  readonly ctxReads?: CtxReadRanges;
  run(ctx: bigint, env: HelperContext): bigint;
  /** A run function on `env` for a caller that resets it before each run (VmProgram.bind). */
  bind(env: HelperContext): (ctx: bigint) => bigint;
}

/** A program of a loaded object (src/object's ObjectProgram), as far as hooks look at it. */
export interface LiveProgramLike {
  readonly name: string;
  readonly section: string;
  readonly type: string;
  /** The VM program behind it; null on the kernel backend. */
  readonly vmProgram: VmProgramLike | null;
}

const isHookProgram = (p: object): p is HookProgram => 'arena' in p && typeof (p as HookProgram).run === 'function';

const adapters = new WeakMap<object, HookProgram>();

/**
 * The HookProgram of a program given to attach(): a HookProgram as it is,
 * or a loaded object's program (its VM program run with the attachment's
 * cookie and function address on each run's helper context). Kernel
 * programs are refused: they attach through the kernel (ObjectProgram.attach).
 */
export function hookProgramOf(p: HookProgram | LiveProgramLike): HookProgram {
  if (isHookProgram(p)) return p;
  const known = adapters.get(p);
  if (known) return known;
  const vm = p.vmProgram;
  if (!vm) throw new HookError(`program ${p.name} lives in the kernel: attach it there (program.attach()), not to tsbpf's user-space hooks`);
  const run = reusingEnv(vm.arena, (ctx, env) => vm.run(ctx, env));
  const adapter: HookProgram = {
    name: p.name,
    section: p.section,
    type: progTypeName(p.type),
    arena: vm.arena,
    maxCtxOffset: vm.maxCtxOffset,
    ctxReads: vm.ctxReads,
    run,
    bind: (info) => attachedRunner(vm.arena, info, (env) => vm.bind(env), run),
  };
  adapters.set(p, adapter);
  return adapter;
}
