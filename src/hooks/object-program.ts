import type { HelperContext } from '../engine/abi.js';
import type { Arena } from '../memory/arena.js';
import { HookError } from './errors.js';
import { progTypeName, reusingEnv, type HookProgram } from './program.js';

/** A program of a loaded object (src/object's ObjectProgram), as far as hooks look at it. */
export interface LiveProgramLike {
  readonly name: string;
  readonly section: string;
  readonly type: string;
  /** The object's own adapter, when it provides one (null on the kernel backend). */
  readonly hookProgram?: HookProgram | null;
}

/** VmProgram's members a hook uses (src/vm/vm-program.ts). */
interface VmProgramLike {
  readonly arena: Arena;
  run(ctx: bigint, env: HelperContext): bigint;
}

const isHookProgram = (p: object): p is HookProgram => 'arena' in p && typeof (p as HookProgram).run === 'function';

/**
 * The HookProgram of a program given to attach(): a HookProgram as it is,
 * or a loaded object's program. Until ObjectProgram offers `hookProgram`,
 * the VM program is reached through the object's private fields
 * (ObjectProgram.live -> VmBackendProgram.program -> VmProgram.arena);
 * the kernel backend's programs are refused: they attach through the
 * kernel (issue 7), not tsbpf's user-space hooks.
 */
export function hookProgramOf(p: HookProgram | LiveProgramLike): HookProgram {
  if (isHookProgram(p)) return p;
  if (p.hookProgram !== undefined) {
    if (p.hookProgram === null) throw new HookError(`program ${p.name} lives in the kernel: tsbpf's user-space hooks run VM programs only`);
    return p.hookProgram;
  }
  const live = (p as unknown as { live?: { program?: VmProgramLike } }).live;
  const vm = live?.program;
  if (!vm || typeof vm.run !== 'function' || !vm.arena) {
    throw new HookError(`program ${p.name} lives in the kernel: tsbpf's user-space hooks run VM programs only`);
  }
  const arena = vm.arena;
  return {
    name: p.name,
    section: p.section,
    type: progTypeName(p.type),
    arena,
    run: reusingEnv(arena, (ctx, env) => vm.run(ctx, env)),
  };
}
