// check_max_stack_depth: the stack of every chain of bpf-to-bpf calls, each
// frame rounded as the JIT lays it out, must fit in 512 bytes; tail calls are
// limited once callers hold 256 bytes.
import * as op from '../isa/opcodes.js';
import type { VerifierEnv } from './env.js';
import { VerifierError } from './errors.js';
import { isPseudoCall, subprogOf } from './subprogs.js';

/** round_up_stack_depth with the JIT on (x86-64): 16-byte frames. */
const roundUp = (depth: number): number => Math.ceil(depth / 16) * 16;

export function checkMaxStackDepth(env: VerifierEnv): void {
  const { subprogs, insns } = env;
  const visit = (idx: number, depthBefore: number, frame: number, seen: Set<number>): void => {
    const sp = subprogs[idx];
    if (idx && sp.hasTailCall && depthBefore >= 256) {
      throw new VerifierError(`tail_calls are not allowed when call stack of previous frames is ${depthBefore} bytes. Too large`, -1, 'EACCES');
    }
    const depth = depthBefore + roundUp(sp.stackDepth);
    if (depth > op.MAX_BPF_STACK) {
      throw new VerifierError(`combined stack size of ${frame + 1} calls is ${depth}. Too large`, -1, 'EACCES');
    }
    for (let i = sp.start; i < sp.end; i++) {
      if (!isPseudoCall(insns[i])) continue;
      const callee = subprogOf(subprogs, i + insns[i].imm + 1);
      if (frame + 1 >= op.MAX_CALL_FRAMES) {
        throw new VerifierError(`the call stack of ${frame + 1} frames is too deep !`, i, 'E2BIG');
      }
      if (seen.has(callee)) continue;
      seen.add(callee);
      visit(callee, depth, frame + 1, seen);
      seen.delete(callee);
    }
  };
  try {
    visit(0, 0, 0, new Set([0]));
  } catch (err) {
    if (err instanceof VerifierError) env.verbose(`${err.reason}\n`);
    throw err;
  }
}
