import { MAX_BPF_STACK, MAX_CALL_FRAMES } from '../../isa/opcodes.js';
import type { Arena } from '../../memory/arena.js';
import type { Region } from '../../memory/region.js';
import { newHelperContext, type HelperContext } from '../abi.js';
import { ExecutionError } from '../errors.js';
import type { Executable } from '../executable.js';
import { execute, Outcome } from './loop.js';
import { getReg, Machine } from './machine.js';
import type { InterpreterOptions } from './options.js';
import type { DecodedProgram } from './program.js';

/** Bytes of stack one executable owns: 512 per frame, 8 frames. */
export const STACK_BYTES = MAX_BPF_STACK * MAX_CALL_FRAMES;

/**
 * A program loaded into the interpreter. It owns one `stack` region of the
 * arena (frame 0 at its top, deeper frames below), zeroed at every run.
 * A run started while another is in progress (a helper calling back into
 * the program) gets a stack and registers of its own.
 */
export class InterpreterExecutable implements Executable {
  private machine: Machine;
  private readonly stack: Region;
  private running = false;
  private disposed = false;

  constructor(private readonly program: DecodedProgram, private readonly options: InterpreterOptions) {
    this.stack = allocateStack(options.arena);
    this.machine = this.newMachine(this.stack);
  }

  get lastInstructionCount(): number {
    return this.machine.count;
  }

  run(args: readonly bigint[], env?: HelperContext): bigint {
    if (this.disposed) throw new ExecutionError(0, 'run after dispose(): the executable no longer has a stack');
    const context = env ?? newHelperContext(this.options.arena, args[0] ?? 0n);
    if (this.running) return this.runNested(args, context);
    this.running = true;
    try {
      return this.runOn(this.machine, this.stack, args, context);
    } finally {
      this.running = false;
    }
  }

  /** Frees the stack region; the executable cannot run afterwards. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    releaseStack(this.options.arena, this.stack);
  }

  private runNested(args: readonly bigint[], env: HelperContext): bigint {
    const stack = allocateStack(this.options.arena);
    try {
      return this.runOn(this.newMachine(stack), stack, args, env);
    } finally {
      releaseStack(this.options.arena, stack);
    }
  }

  private runOn(m: Machine, stack: Region, args: readonly bigint[], env: HelperContext): bigint {
    this.options.arena.bytes.fill(0, stack.start, stack.end);
    m.reset(args, env);
    const outcome = execute(m);
    if (outcome === Outcome.TailCall) {
      const target = env.tailCallTarget;
      env.tailCallTarget = null;
      if (target) return target.run(env.ctx, env);
    }
    return getReg(m, 0);
  }

  private newMachine(stack: Region): Machine {
    const o = this.options;
    return new Machine(
      this.program, o.arena, o.helpers, o.checked ?? true, o.budget ?? Number.MAX_SAFE_INTEGER,
      o.trace ?? null, o.skbPacket ?? null, stack.end,
    );
  }
}

function allocateStack(arena: Arena): Region {
  const start = arena.alloc(STACK_BYTES, 16);
  return arena.addRegion(start, STACK_BYTES, 'stack', 'stack');
}

function releaseStack(arena: Arena, stack: Region): void {
  arena.removeRegion(stack);
  arena.free(stack.start);
}
