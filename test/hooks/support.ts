// Hand-assembled programs for the hook tests, run by the interpreter.
import type { CtxReadRanges } from '../../src/verifier/ctx-reads.js';
import type { HelperFn } from '../../src/engine/abi.js';
import { engineFactory, type EngineName } from '../../src/engine/select.js';
import { assemble } from '../../src/isa/asm/index.js';
import { Arena } from '../../src/memory/arena.js';
import { executableProgram, type HookProgram } from '../../src/hooks/program.js';
import { verify } from '../../src/verifier/verify.js';

export interface AsmProgramOptions {
  readonly type: string;
  readonly section?: string;
  readonly name?: string;
  readonly arena?: Arena;
  readonly helpers?: ReadonlyMap<number, HelperFn>;
  readonly maxCtxOffset?: number;
  /** The context bytes it reads, as a verifier would report them (default: any). */
  readonly ctxReads?: CtxReadRanges;
  /** Default the interpreter (checked). */
  readonly engine?: EngineName;
  /** Verify the program first (it must be accepted) and run it unchecked, as the VM runs verified programs. */
  readonly verified?: boolean;
}

/** Assembles LLVM-syntax text into a hook program (checked mode, with a budget: these programs are not verified). */
export function asmProgram(text: string, options: AsmProgramOptions): HookProgram {
  const arena = options.arena ?? new Arena();
  const create = engineFactory(options.engine ?? 'interp');
  const insns = assemble(text);
  if (options.verified) {
    const r = verify(insns, { progType: options.type, logLevel: 1 });
    if (r.verdict !== 'accept') throw new Error(`test program refused by the verifier: ${r.error}\n${r.log}`);
  }
  const exe = create({ insns }, options.verified
    ? { arena, helpers: options.helpers ?? new Map(), checked: false }
    : { arena, helpers: options.helpers ?? new Map(), checked: true, budget: 100_000 });
  return executableProgram(exe, { ...options, arena });
}

/** A helper table whose helper `id` records r1 of each call into `log` and returns 0. */
export function recordingHelper(id: number, log: bigint[]): Map<number, HelperFn> {
  return new Map([[id, (_env, r1) => { log.push(r1); return 0n; }]]);
}

/**
 * Why an engine cannot run packet programs yet, or undefined when it can:
 * xdp_md.data holds the packet's arena offset (high 32 bits 0), which the
 * engines must take as a pointer (see /tmp/team/maps-helpers-api.md).
 */
export function packetPointerSkip(engine: EngineName): string | undefined {
  const arena = new Arena();
  const at = arena.alloc(8);
  arena.addRegion(at, 8, 'packet', 'probe');
  const exe = engineFactory(engine)({ insns: assemble(`r0 = *(u8 *)(r1 + 0)\nexit`) }, { arena, helpers: new Map(), checked: false });
  try {
    exe.run([BigInt(at)]);
    return undefined;
  } catch (e) {
    return `the ${engine} engine does not take packet offsets as pointers yet (${(e as Error).message})`;
  }
}
